"""The benchmark's problem generator: ordinary problems stay as they were, placeable ones have a
planted grouping that places everyone without breaking a hard rule."""

from __future__ import annotations

import argparse
import hashlib
from collections import Counter

import pytest

from bench.grouping.__main__ import PLACEABLE_SIZES, SIZES, default_time_limit, plan, table
from bench.grouping.generate import SLOTS, generate, generate_with_witness
from bench.grouping.terms import TERMS, penalty_terms
from verme.grouping import Problem, solve, validate


def fingerprint(problem: Problem) -> str:
    """A hash of everything the generator sets (field by field, so new model fields don't count)."""
    lines = [
        repr(
            (p.id, p.languages, p.slots, p.themes, p.kinds, p.unit, p.years, p.role, p.level)
            + (p.subjects, p.region, p.online)
        )
        for p in problem.participants
    ]
    lines += [
        repr((m.id, m.languages, m.slots, m.themes, m.capacity, m.unit, m.region))
        for m in problem.mentors
    ]
    size = problem.size
    lines.append(repr((size.min, size.max, size.target, problem.slots)))
    lines.append(repr((problem.apart, problem.together, problem.supervises)))
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


# Taken from the generator before the placeable mode existed: the benchmark history depends on
# the ordinary problems staying exactly the same.
@pytest.mark.parametrize(
    ("n", "seed", "digest"),
    [
        (60, 1, "30c5a5dd99f85851e20c5c58235e91e5287b6260d1986a7958cc6b7716a88a9b"),
        (300, 2, "ca327fcae7d80f02fd24cc03144bac36a47cd100c8057a7009e47790891dc1d7"),
        (1000, 3, "3c928fdbc6d61438e688c882737142b4f229034c1b6454a50c4cc9128f015b81"),
    ],
)
def test_ordinary_problems_are_the_same_as_before(n: int, seed: int, digest: str) -> None:
    assert fingerprint(generate(n, seed)) == digest
    assert generate(n, seed, placeable=False) == generate(n, seed)


def test_a_few_facts_of_the_ordinary_60_seed_1() -> None:
    problem = generate(60, 1)
    assert (len(problem.participants), len(problem.mentors)) == (60, 6)
    assert (len(problem.apart), len(problem.together), len(problem.supervises)) == (1, 0, 47)
    first = problem.participants[0]
    assert first.slots == ("mon-1700", "tue-1400", "wed-1530", "thu-1400", "thu-1530", "fri-1700")
    assert first.themes == ("leadership", "digital-learning", "new-teachers")
    assert (first.role, first.unit, first.region) == ("principal", "u1", "r1")
    assert problem.mentors[-1].slots == ("mon-1400", "tue-1400", "tue-1530", "wed-1530", "thu-1400")


@pytest.mark.parametrize("n", [60, 300, 1000])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_witness_places_everyone_and_breaks_no_hard_rule(n: int, seed: int) -> None:
    problem, witness = generate_with_witness(n, seed)
    assert validate(problem, witness) == []
    placed = Counter(member for group in witness.groups for member in group.members)
    assert placed == Counter(p.id for p in problem.participants)
    assert witness.unassigned == ()
    assert all(not group.online for group in witness.groups)
    mentors = Counter(group.mentor for group in witness.groups)
    capacity = {m.id: m.capacity for m in problem.mentors}
    assert all(count <= capacity[mid] for mid, count in mentors.items())
    # No apart or supervises pair had to be dropped for these sizes and seeds.
    assert not any("dropped" in note for note in witness.notes)
    assert generate(n, seed, placeable=True) == problem


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_placeable_problems_are_the_ordinary_ones_changed_a_little(seed: int) -> None:
    ordinary = generate(300, seed)
    placeable = generate(300, seed, placeable=True)
    assert [p.id for p in placeable.participants] == [p.id for p in ordinary.participants]
    for before, after in zip(ordinary.participants, placeable.participants, strict=True):
        assert (after.themes, after.unit, after.years, after.role, after.online) == (
            before.themes,
            before.unit,
            before.years,
            before.role,
            before.online,
        )
        # One slot may be swapped for the planted group's, so each still has 4 to 8.
        assert len(after.slots) == len(before.slots)
        assert len(set(after.slots) - set(before.slots)) <= 1
        # A language may be learnt, none forgotten.
        assert set(before.languages) <= set(after.languages)
        assert after.languages[0] == before.languages[0]
    assert placeable.mentors[: len(ordinary.mentors)] == ordinary.mentors
    assert set(placeable.supervises) <= set(ordinary.supervises)
    assert set(placeable.apart) <= set(ordinary.apart)
    assert set(placeable.together) <= set(ordinary.together)


def test_placeable_problems_keep_the_realistic_features() -> None:
    problem, witness = generate_with_witness(1000, 1)
    people = problem.participants
    assert len({p.region for p in people}) == 2
    swedish = sum(p.languages[0] == "sv" for p in people) / len(people)
    assert 0.05 <= swedish <= 0.12
    ordinary = generate(1000, 1).participants
    assert swedish == sum(p.languages[0] == "sv" for p in ordinary) / len(ordinary)
    novices = sum((p.years or 0) <= 5 for p in people) / len(people)
    assert 0.25 <= novices <= 0.42
    assert problem.slots == SLOTS
    assert len(SLOTS) == 15
    assert all(4 <= len(p.slots) <= 8 and len(p.themes) == 3 for p in people)
    assert len(problem.supervises) > 500
    assert problem.apart
    assert problem.together
    assert {m.capacity for m in problem.mentors} == {1, 2}
    assert sum(m.capacity for m in problem.mentors) >= 1.15 * len(witness.groups)
    unit_sizes = Counter(p.unit for p in people)
    assert max(unit_sizes.values()) >= 30
    assert min(unit_sizes.values()) <= 6
    firsts = Counter(p.themes[0] for p in people).most_common()
    assert firsts[0][1] > 2 * firsts[-1][1]


def test_placeable_problems_are_reproducible_and_differ_by_seed() -> None:
    assert generate(60, 7, placeable=True) == generate(60, 7, placeable=True)
    assert generate(60, 7, placeable=True) != generate(60, 8, placeable=True)


def test_a_problem_that_is_one_school_drops_pairs_rather_than_leave_anyone_out() -> None:
    # Eight registrants from one school: its principal cannot avoid their staff.
    problem, witness = generate_with_witness(8, 1)
    assert validate(problem, witness) == []
    assert sum(len(group.members) for group in witness.groups) == 8
    assert any("dropped" in note for note in witness.notes)


def test_fewer_registrants_than_a_group_cannot_be_placeable() -> None:
    with pytest.raises(ValueError, match="fewer than 4"):
        generate(3, 1, placeable=True)


def _args(**given: object) -> argparse.Namespace:
    fields: dict[str, object] = {"sizes": None, "seeds": "1,2,3", "placeable": False}
    return argparse.Namespace(**{**fields, "quick": False, **given})


def test_the_benchmark_runs_placeable_problems_at_1000_by_default() -> None:
    runs = plan(_args())
    assert runs[: len(SIZES) * 3] == [(s, seed, False) for s in SIZES for seed in (1, 2, 3)]
    assert runs[len(SIZES) * 3 :] == [
        (s, seed, True) for s in PLACEABLE_SIZES for seed in (1, 2, 3)
    ]
    assert PLACEABLE_SIZES == (1000,)


def test_the_benchmark_plans_of_placeable_and_quick() -> None:
    assert plan(_args(sizes="1000", placeable=True)) == [
        (1000, 1, True),
        (1000, 2, True),
        (1000, 3, True),
    ]
    assert plan(_args(sizes="60")) == [(60, 1, False), (60, 2, False), (60, 3, False)]
    assert plan(_args(quick=True)) == [(60, 1, False), (60, 1, True)]


def test_placeable_rows_say_so() -> None:
    shares = {"violations": 0, "placed": 1.0, "first": 0.9, "any": 1.0}
    row = {
        "size": 1000,
        "seed": 1,
        "placeable": True,
        "time_limit": 60.0,
        "wall": 55.0,
        "first_answer": 0.1,
        "peak_mb": 500.0,
        "status": "feasible",
        "objective": 99_000.0,
        "bound": 99_800.0,
        "gap": 0.008,
        "penalty": 1000.0,
        "penalty_bound": 200.0,
        **shares,
        "random": shares,
        "spreadsheet": shares,
    }
    out = table([row, {**row, "placeable": False}])
    assert out.count("| 1,000 placeable | 1 |") == 2
    assert out.count("| 1,000 | 1 |") == 2


def test_the_penalty_terms_add_up_to_the_penalty() -> None:
    problem = generate(60, 2)
    solution = solve(problem, time_limit_s=2.0)
    terms = penalty_terms(problem, solution)
    assert sum(terms.values()) == pytest.approx(solution.penalty)
    assert list(terms) == list(TERMS)  # every criterion, paid or not
    assert all(value >= 0 for value in terms.values())


def test_sizes_between_the_benchmark_sizes_get_the_time_limit_of_their_band() -> None:
    assert [default_time_limit(n) for n in (60, 150, 300)] == [30.0, 30.0, 30.0]
    assert [default_time_limit(n) for n in (301, 1000)] == [60.0, 60.0]
    assert [default_time_limit(n) for n in (2000, 3000)] == [120.0, 120.0]
    assert [default_time_limit(n) for n in (3001, 10000)] == [300.0, 300.0]

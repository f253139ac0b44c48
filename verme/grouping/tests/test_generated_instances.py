"""On many small random problems the solver never breaks a hard rule and places each person once."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verme.grouping import Mentor, Participant, Problem, SizeRule, solve, validate

SLOTS = ("mon-1400", "tue-1400", "wed-1400")
THEMES = ("wellbeing", "assessment", "digital")


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    n = draw(st.integers(min_value=0, max_value=14))
    people = []
    for i in range(n):
        people.append(
            Participant(
                id=f"p{i}",
                languages=tuple(draw(st.sets(st.sampled_from(("fi", "sv")), min_size=1))),
                slots=tuple(draw(st.sets(st.sampled_from(SLOTS), min_size=1))),
                themes=tuple(draw(st.permutations(THEMES)))[: draw(st.integers(0, 3))],
                kinds=draw(st.sampled_from(((), ("theme",), ("level", "theme")))),
                unit=draw(st.sampled_from(("u1", "u2", "u3"))),
                years=float(draw(st.integers(0, 30))),
                level=draw(st.sampled_from(("primary", "secondary"))),
                region=draw(st.sampled_from(("north", "south"))),
                online=draw(st.booleans()),
            )
        )
    mentors = []
    for j in range(draw(st.integers(min_value=0, max_value=3))):
        mentors.append(
            Mentor(
                id=f"m{j}",
                languages=tuple(draw(st.sets(st.sampled_from(("fi", "sv")), min_size=1))),
                slots=tuple(draw(st.sets(st.sampled_from(SLOTS), min_size=1))),
                themes=(draw(st.sampled_from(THEMES)),),
                capacity=draw(st.integers(0, 2)),
                region=draw(st.sampled_from(("north", "south"))),
            )
        )
    ids = [p.id for p in people]
    pair = st.tuples(st.sampled_from(ids), st.sampled_from(ids)).filter(lambda t: t[0] != t[1])
    pairs = st.lists(pair, max_size=3) if len(ids) >= 2 else st.just([])
    return Problem(
        participants=tuple(people),
        mentors=tuple(mentors),
        size=SizeRule(min=2, max=4, target=3),
        apart=tuple(draw(pairs)),
        together=tuple(draw(pairs)),
        supervises=tuple(draw(pairs)),
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_solver_never_breaks_a_hard_rule_and_places_everyone_exactly_once(p: Problem) -> None:
    solution = solve(p, time_limit_s=0.5)
    assert validate(p, solution) == []
    seen = Counter(
        [m for g in solution.groups for m in g.members] + [u.id for u in solution.unassigned]
    )
    assert seen == Counter(x.id for x in p.participants)
    assert solution.objective <= solution.bound + 1e-6
    assert len(solution.explanations) == len(p.participants)

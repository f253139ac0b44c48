"""Seeded, realistic grouping problems: regions, schools of varied size, Swedish speakers,
novices, principals who supervise their staff, 15 weekly slots, ranked themes and pairs.

`generate(n, seed)` draws a problem in which a few people may share no slot and language with
enough others. `generate(n, seed, placeable=True)` draws the same problem and then plants a
grouping that places everyone (`generate_with_witness` returns it too), so that shares such as
"first-choice theme" can be measured on problems where everyone can be placed.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import replace

from verme.grouping.model import Mentor, Participant, Problem, SizeRule, Solution, SolvedGroup
from verme.grouping.rules import validate

DAYS = ("mon", "tue", "wed", "thu", "fri")
TIMES = ("1400", "1530", "1700")
SLOTS = tuple(f"{d}-{t}" for d in DAYS for t in TIMES)
THEMES = (
    "wellbeing",
    "new-teachers",
    "special-needs",
    "digital-learning",
    "assessment",
    "classroom-interaction",
    "multilingual-learners",
    "work-based-learning",
    "internationalisation",
    "leadership",
    "arts-and-creativity",
    "sustainability",
)
LEVELS = ("early-childhood", "primary", "lower-secondary", "upper-secondary", "vocational")
SUBJECTS = (
    "mathematics",
    "languages",
    "science",
    "arts",
    "crafts",
    "physical-education",
    "history",
)
ROLES = ("teacher", "teacher", "teacher", "special-needs-teacher", "school-assistant")


def _weighted_sample(
    rng: random.Random, items: tuple[str, ...], weights: list[float], k: int
) -> list[str]:
    chosen: list[str] = []
    pool, w = list(items), list(weights)
    for _ in range(min(k, len(pool))):
        pick = rng.choices(range(len(pool)), weights=w)[0]
        chosen.append(pool.pop(pick))
        w.pop(pick)
    return chosen


def _slots(rng: random.Random, popularity: list[float], low: int, high: int) -> tuple[str, ...]:
    chosen = _weighted_sample(rng, SLOTS, popularity, rng.randint(low, high))
    return tuple(sorted(chosen, key=SLOTS.index))


THEME_POPULARITY = [1.0 / (1 + 0.35 * r) for r in range(len(THEMES))]
SLOT_POPULARITY = [2.0 if t != "1700" else 0.8 for _ in DAYS for t in TIMES]


def generate(n: int, seed: int, *, placeable: bool = False) -> Problem:
    """A problem with `n` registrants; the same (n, seed, placeable) always gives the same problem.

    With `placeable`, the problem is the ordinary one changed just enough that a grouping placing
    everyone exists (see `generate_with_witness`).
    """
    if placeable:
        return generate_with_witness(n, seed)[0]
    return _draw(n, seed)


def _draw(n: int, seed: int) -> Problem:
    rng = random.Random(seed * 1_000_003 + n)
    regions = [f"r{r + 1}" for r in range(max(1, round(n / 400)))]
    theme_pop = THEME_POPULARITY
    slot_pop = SLOT_POPULARITY
    # Units of varied size (a few large schools, many small ones), each in one region.
    units: list[tuple[str, str, str, bool]] = []  # id, region, level, swedish
    sizes: list[int] = []
    total = 0
    while total < n:
        size = min(n - total, max(2, int(rng.paretovariate(1.6) * 5)), 60)
        swedish = rng.random() < 0.07
        units.append((f"u{len(units) + 1}", rng.choice(regions), rng.choice(LEVELS), swedish))
        sizes.append(size)
        total += size
    participants: list[Participant] = []
    supervises: list[tuple[str, str]] = []
    staff: dict[str, list[str]] = {}
    for (unit, region, level, swedish), size in zip(units, sizes, strict=True):
        members: list[str] = []
        for j in range(size):
            pid = f"p{len(participants) + 1}"
            principal = j == 0 and size >= 6
            if swedish:
                languages: tuple[str, ...] = ("sv",) if rng.random() < 0.6 else ("sv", "fi")
            else:
                languages = ("fi",) if rng.random() < 0.97 else ("fi", "sv")
            novice = rng.random() < 1 / 3
            themes = _weighted_sample(rng, THEMES, theme_pop, 3)
            roll = rng.random()
            kinds: tuple[str, ...] = (
                ("theme",) if roll < 0.75 else ("level", "theme") if roll < 0.9 else ()
            )
            participants.append(
                Participant(
                    id=pid,
                    languages=languages,
                    slots=_slots(rng, slot_pop, 4, 8),
                    themes=tuple(themes),
                    kinds=kinds,
                    unit=unit,
                    years=float(rng.randint(0, 5) if novice else rng.randint(6, 35)),
                    role="principal" if principal else rng.choice(ROLES),
                    level=level,
                    subjects=tuple(rng.sample(SUBJECTS, rng.randint(0, 2))),
                    region=region,
                    online=rng.random() < 0.4,
                )
            )
            members.append(pid)
        if size >= 6:
            supervises.extend((members[0], other) for other in members[1:])
        staff[unit] = members
    by_id = {p.id: p for p in participants}
    apart: list[tuple[str, str]] = []
    together: list[tuple[str, str]] = []
    for members in staff.values():
        if len(members) < 3:
            continue
        if rng.random() < 0.15:
            a, b = rng.sample(members[1:], 2)
            apart.append((a, b))
        if rng.random() < 0.15:
            a, b = rng.sample(members[1:], 2)
            pa, pb = by_id[a], by_id[b]
            if set(pa.languages) & set(pb.languages) and len(set(pa.slots) & set(pb.slots)) >= 2:
                together.append((a, b))
    mentors: list[Mentor] = []
    capacity = 0
    while capacity * 7 < n * 1.15:
        unit, region, _, swedish = rng.choice(units)
        cap = 1 if rng.random() < 0.6 else 2
        mentors.append(
            Mentor(
                id=f"m{len(mentors) + 1}",
                languages=("sv", "fi") if swedish else ("fi",),
                slots=_slots(rng, slot_pop, 5, 9),
                themes=tuple(_weighted_sample(rng, THEMES, theme_pop, 3)),
                capacity=cap,
                unit=unit,
                region=region,
            )
        )
        capacity += cap
    return Problem(
        participants=tuple(participants),
        mentors=tuple(mentors),
        size=SizeRule(4, 10, 7),
        slots=SLOTS,
        apart=tuple(apart),
        together=tuple(together),
        supervises=tuple(supervises),
    )


def generate_with_witness(n: int, seed: int) -> tuple[Problem, Solution]:
    """The placeable problem for (n, seed) and a grouping of it that places everyone.

    The ordinary problem is drawn first; then a grouping is planted in it (a second random stream,
    so the ordinary problem stays as it was): each region's speakers of a language are dealt into
    groups of 4 to 10 that keep apart every apart and supervises pair and keep together pairs
    together; each group gets a mentor of its region and language with a free seat (a new mentor
    where none is left) and one of the mentor's slots, which the members who lack it take instead
    of one of their own. The witness has no broken hard rule (checked here with `validate`).
    """
    problem = _draw(n, seed)
    return _plant(problem, random.Random(f"verme-placeable/{n}/{seed}"))


class _Groups:
    """The size rule and the apart and supervises pairs of a problem, and those given up."""

    def __init__(self, problem: Problem) -> None:
        self.size = problem.size
        self.conflicts: set[frozenset[str]] = {
            frozenset(pair) for pair in (*problem.apart, *problem.supervises)
        }
        self.dropped: set[frozenset[str]] = set()

    def clashes(self, block: list[str], members: list[str]) -> list[frozenset[str]]:
        return [
            pair
            for a in block
            for b in members
            if (pair := frozenset((a, b))) in self.conflicts and pair not in self.dropped
        ]


def _group_count(count: int, size: SizeRule) -> int:
    """How many groups of balanced size `count` people are dealt into (at least size.min)."""
    return min(max(round(count / size.target), math.ceil(count / size.max), 1), count // size.min)


def _cells(
    people: list[Participant],
    block_of: dict[str, list[str]],
    groups: _Groups,
    movers: set[str],
) -> dict[tuple[str | None, str], list[str]]:
    """People by (region, planted language); every cell holds at least size.min people.

    A person's planted language is their first. A region with fewer than size.min registrants
    joins the largest region. A block (a person, or a together pair) that conflicts with so many
    of its cell that no group of the cell could hold it (a principal whose school is nearly all
    of a language's speakers in the region), or that is in `movers`, moves to the region's
    largest other language, and a
    language with fewer than size.min speakers in a region joins the region's largest; people
    moved to a language learn it (they are changed in `people`).
    """
    low = groups.size.min
    regions = Counter(p.region for p in people)
    largest = max(regions, key=lambda r: (regions[r], str(r)))
    for i, p in enumerate(people):
        if regions[p.region] < low:
            people[i] = replace(p, region=largest)
    region_of = {p.id: p.region for p in people}
    language_of = {p.id: p.languages[0] for p in people}

    def sorted_cells() -> dict[tuple[str | None, str], list[str]]:
        cells: dict[tuple[str | None, str], list[str]] = {}
        for p in people:
            cells.setdefault((region_of[p.id], language_of[p.id]), []).append(p.id)
        return cells

    def largest_other(
        cells: dict[tuple[str | None, str], list[str]], region: str | None, language: str
    ) -> str | None:
        others = [(len(ids), lang) for (r, lang), ids in cells.items() if r == region]
        others = [item for item in others if item[1] != language]
        return max(others)[1] if others else None

    cells = sorted_cells()
    for pid in movers:
        moved_to = largest_other(cells, region_of[pid], language_of[pid])
        if moved_to is not None:
            for member in block_of[pid]:
                language_of[member] = moved_to
    for _ in range(10):
        moved = False
        cells = sorted_cells()
        for (region, language), ids in cells.items():
            target = largest_other(cells, region, language)
            if target is None or len(ids) < low:
                continue
            room = math.ceil(len(ids) / _group_count(len(ids), groups.size))
            for pid in ids:
                block = block_of[pid]
                if block[0] != pid or language_of[pid] != language:
                    continue
                partners = [x for x in ids if x not in block and not groups.clashes(block, [x])]
                if len(partners) < room - len(block):
                    moved = True
                    for member in block:
                        language_of[member] = target
        cells = sorted_cells()
        for (region, _), ids in cells.items():
            if len(ids) < low:
                target = max(
                    (len(other), lang) for (r, lang), other in cells.items() if r == region
                )[1]
                for pid in ids:
                    language_of[pid] = target
        if not moved:
            break
    for i, p in enumerate(people):
        if language_of[p.id] not in p.languages:
            people[i] = replace(p, languages=(*p.languages, language_of[p.id]))
    return sorted_cells()


def _blocks(
    problem: Problem, groups: _Groups
) -> tuple[dict[str, list[str]], list[tuple[str, str]]]:
    """Together pairs joined into blocks of people; the pairs that cannot be kept are left out.

    A pair is left out when joining it would put an apart or supervises pair in one block (the
    drawn problem can say that two colleagues must be both together and apart).
    """
    block_of: dict[str, list[str]] = {p.id: [p.id] for p in problem.participants}
    kept: list[tuple[str, str]] = []
    for a, b in problem.together:
        first, second = block_of[a], block_of[b]
        if first is second:
            kept.append((a, b))
            continue
        if groups.clashes(first, second) or len(first) + len(second) > groups.size.max:
            continue
        first.extend(second)
        for pid in second:
            block_of[pid] = first
        kept.append((a, b))
    return block_of, kept


def _deal(
    ids: list[str],
    block_of: dict[str, list[str]],
    unit_of: dict[str, str | None],
    groups: _Groups,
    rng: random.Random,
) -> tuple[list[list[str]], set[frozenset[str]]]:
    """Deal one cell's people into groups of 4 to 10, keeping conflicting people apart.

    Together pairs go first, then the most conflicted blocks (principals), then people of large
    units, each to a group with room and no conflict, with the fewest of its unit. The balanced
    number of groups is tried first, then others. Returns the groups and the conflicts they keep
    (none unless no number of groups avoids them all).
    """
    size = groups.size
    count = len(ids)
    in_cell = set(ids)
    unit_size = Counter(unit_of[pid] for pid in ids)
    degree = Counter(pid for pair in groups.conflicts for pid in pair if pair <= in_cell)
    seen: set[int] = set()
    blocks: list[list[str]] = []
    for pid in ids:
        block = block_of[pid]
        if id(block) not in seen:
            seen.add(id(block))
            blocks.append(block)
    order = sorted(
        blocks,
        key=lambda b: (
            -len(b),
            -max(degree[pid] for pid in b),
            -unit_size[unit_of[b[0]]],
            rng.random(),
        ),
    )
    balanced = _group_count(count, size)
    counts = range(math.ceil(count / size.max), count // size.min + 1)
    first: tuple[list[list[str]], set[frozenset[str]]] | None = None
    for k in sorted(counts, key=lambda k: (abs(k - balanced), k)):
        dealt, kept = _deal_into(k, count, order, block_of, unit_of, degree, groups)
        if not kept:
            return dealt, kept
        first = first or (dealt, kept)
    assert first is not None, "a cell holds at least size.min people"
    return first


def _deal_into(
    k: int,
    count: int,
    order: list[list[str]],
    block_of: dict[str, list[str]],
    unit_of: dict[str, str | None],
    degree: Counter[str],
    groups: _Groups,
) -> tuple[list[list[str]], set[frozenset[str]]]:
    size = groups.size
    plan = [count // k + (1 if g < count % k else 0) for g in range(k)]
    dealt: list[list[str]] = [[] for _ in range(k)]
    kept: set[frozenset[str]] = set()
    for block in order:
        fits = [g for g in range(k) if plan[g] - len(dealt[g]) >= len(block)]
        # A full group may still take more (up to size.max); short ones are filled below.
        larger = [g for g in range(k) if len(dealt[g]) + len(block) <= size.max]
        free = [g for g in fits if not groups.clashes(block, dealt[g])]
        free = free or [g for g in larger if not groups.clashes(block, dealt[g])]
        if free:
            units = {unit_of[pid] for pid in block}
            best = min(
                free,
                key=lambda g: (
                    sum(unit_of[m] in units for m in dealt[g]),
                    sum(degree[m] for m in dealt[g]),
                    len(dealt[g]) - plan[g],
                    g,
                ),
            )
        else:
            best = min(
                fits or larger,
                key=lambda g: (len(groups.clashes(block, dealt[g])), len(dealt[g]) - plan[g], g),
            )
            if not _eject(block, best, dealt, block_of, groups):
                kept.update(groups.clashes(block, dealt[best]))
        dealt[best].extend(block)
    for short in range(k):
        for g in sorted(range(k), key=lambda g: -len(dealt[g])):
            for pid in list(dealt[g]):
                block = block_of[pid]
                if (
                    len(dealt[short]) >= size.min
                    or g == short
                    or block[0] != pid
                    or len(dealt[g]) - len(block) < size.min
                    or len(dealt[short]) + len(block) > size.max
                    or groups.clashes(block, dealt[short])
                ):
                    continue
                for member in block:
                    dealt[g].remove(member)
                dealt[short].extend(block)
    if any(len(members) < size.min for members in dealt):
        kept.add(frozenset(("too small",)))
    return dealt, kept


def _eject(
    block: list[str],
    target: int,
    dealt: list[list[str]],
    block_of: dict[str, list[str]],
    groups: _Groups,
) -> bool:
    """Make room for `block` in group `target` by moving the members it conflicts with.

    Each conflicting member's block moves to another group that has no conflict with it and
    stays within size.max; True if all of them could move (then they have).
    """
    clashing = {id(block_of[m]): block_of[m] for m in dealt[target] if groups.clashes(block, [m])}
    moves: list[tuple[list[str], int]] = []
    sizes = [len(members) for members in dealt]
    for other in clashing.values():
        to = next(
            (
                g
                for g in range(len(dealt))
                if g != target
                and sizes[g] + len(other) <= groups.size.max
                and not groups.clashes(other, dealt[g])
                and not any(groups.clashes(other, moved) for moved, h in moves if h == g)
            ),
            None,
        )
        if to is None:
            return False
        moves.append((other, to))
        sizes[to] += len(other)
    for other, to in moves:
        for member in other:
            dealt[target].remove(member)
        dealt[to].extend(other)
    return True


def _new_mentor(
    number: int, unit: str | None, region: str | None, language: str, rng: random.Random
) -> Mentor:
    return Mentor(
        id=f"m{number}",
        languages=(language, "fi") if language != "fi" else ("fi",),
        slots=_slots(rng, SLOT_POPULARITY, 5, 9),
        themes=tuple(_weighted_sample(rng, THEMES, THEME_POPULARITY, 3)),
        capacity=1 if rng.random() < 0.6 else 2,
        unit=unit,
        region=region,
    )


def _plant(problem: Problem, rng: random.Random) -> tuple[Problem, Solution]:
    size = problem.size
    if len(problem.participants) < size.min:
        raise ValueError(f"fewer than {size.min} registrants cannot all be placed")
    groups = _Groups(problem)
    block_of, together = _blocks(problem, groups)
    unit_of = {p.id: p.unit for p in problem.participants}
    # Deal every cell; where a cell cannot avoid a conflict, its most conflicted person (a
    # principal) moves to another language of the region, and the cells are dealt again.
    movers: set[str] = set()
    while True:
        people = list(problem.participants)
        cells = _cells(people, block_of, groups, movers)
        planted: list[tuple[str | None, str, list[str]]] = []
        kept: set[frozenset[str]] = set()
        more: set[str] = set()
        for (region, language), ids in cells.items():
            dealt, clashes = _deal(ids, block_of, unit_of, groups, rng)
            planted.extend((region, language, members) for members in dealt)
            kept |= clashes
            others = sum(1 for r, _ in cells if r == region) > 1
            involved = [pid for pair in clashes for pid in pair if pid in block_of]
            if involved and others:
                degree = Counter(pid for pair in groups.conflicts for pid in pair)
                mover = block_of[max(involved, key=lambda pid: (degree[pid], pid))][0]
                more |= {mover} - movers
        if not more:
            break
        movers |= more
    if any(len(members) < size.min for _, _, members in planted):
        raise RuntimeError("the planted groups could not all reach the minimum size")
    groups.dropped = {pair for pair in kept if len(pair) == 2}
    index = {p.id: i for i, p in enumerate(people)}

    mentors = list(problem.mentors)
    seats = {m.id: m.capacity for m in mentors}
    used: dict[str, set[str]] = {m.id: set() for m in mentors}

    def candidates(region: str | None, language: str, members: list[str]) -> list[int]:
        return [
            i
            for i, m in enumerate(mentors)
            if m.region == region
            and language in m.languages
            and seats[m.id] > 0
            and set(m.slots) - used[m.id]
            and not groups.clashes([m.id], members)
        ]

    # The groups with the fewest possible mentors (Swedish ones) choose first.
    order = sorted(range(len(planted)), key=lambda g: (len(candidates(*planted[g])), rng.random()))
    solved: dict[int, SolvedGroup] = {}
    for g in order:
        region, language, members = planted[g]
        options = candidates(region, language, members)
        if options:
            mentor = mentors[min(options, key=lambda i: (len(mentors[i].languages), rng.random()))]
        else:
            unit = unit_of[rng.choice(members)]
            mentor = _new_mentor(len(mentors) + 1, unit, region, language, rng)
            mentors.append(mentor)
            seats[mentor.id] = mentor.capacity
            used[mentor.id] = set()
        have = Counter(slot for pid in members for slot in people[index[pid]].slots)
        free = [slot for slot in mentor.slots if slot not in used[mentor.id]]
        slot = max(free, key=lambda s: (have[s], rng.random()))
        seats[mentor.id] -= 1
        used[mentor.id].add(slot)
        for pid in members:
            p = people[index[pid]]
            if slot not in p.slots:
                slots = list(p.slots)
                if slots:
                    slots[rng.randrange(len(slots))] = slot
                else:
                    slots = [slot]
                people[index[pid]] = replace(p, slots=tuple(sorted(slots, key=SLOTS.index)))
        firsts = Counter(
            people[index[pid]].themes[0] for pid in members if people[index[pid]].themes
        )
        solved[g] = SolvedGroup(
            id=f"w{g + 1}",
            mentor=mentor.id,
            theme=firsts.most_common(1)[0][0] if firsts else THEMES[0],
            slot=slot,
            language=language,
            online=False,
            members=tuple(members),
        )
    # Keep the slack of the ordinary problem: mentors' seats for 115 % of the groups.
    while sum(m.capacity for m in mentors) < 1.15 * len(planted):
        p = rng.choice(people)
        mentors.append(_new_mentor(len(mentors) + 1, p.unit, p.region, p.languages[0], rng))

    def remaining(pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
        return tuple(pair for pair in pairs if frozenset(pair) not in groups.dropped)

    placeable = replace(
        problem,
        participants=tuple(people),
        mentors=tuple(mentors),
        apart=remaining(problem.apart),
        supervises=remaining(problem.supervises),
        together=tuple(together),
    )
    notes = []
    if len(together) < len(problem.together):
        notes.append(f"{len(problem.together) - len(together)} together pairs that were also apart")
    if groups.dropped:
        notes.append(f"{len(groups.dropped)} apart or supervises pairs dropped to place everyone")
    witness = Solution(
        status="feasible",
        objective=0.0,
        bound=0.0,
        seconds=0.0,
        groups=tuple(solved[g] for g in range(len(planted))),
        unassigned=(),
        notes=tuple(notes),
    )
    broken = validate(placeable, witness)
    if broken:
        raise RuntimeError(f"the planted grouping breaks {len(broken)} rules: {broken[0].message}")
    return placeable, witness

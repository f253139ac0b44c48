"""Seeded, realistic grouping problems: regions, schools of varied size, Swedish speakers,
novices, principals who supervise their staff, 15 weekly slots, ranked themes and pairs."""

from __future__ import annotations

import random

from verme.grouping.model import Mentor, Participant, Problem, SizeRule

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


def generate(n: int, seed: int) -> Problem:
    """A problem with `n` registrants; the same (n, seed) always gives the same problem."""
    rng = random.Random(seed * 1_000_003 + n)
    regions = [f"r{r + 1}" for r in range(max(1, round(n / 400)))]
    theme_pop = [1.0 / (1 + 0.35 * r) for r in range(len(THEMES))]
    slot_pop = [2.0 if t != "1700" else 0.8 for _ in DAYS for t in TIMES]
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

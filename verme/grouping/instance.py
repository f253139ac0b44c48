"""The problem compiled into indexed form: potential groups, their options and who fits where.

A *position* is a group a mentor could lead: one per fixed group plus one per unused unit of the
mentor's capacity. A *frame* is a position's meeting arrangement (slot, language, online); a
*topic* is its theme plus its kind (and the kind's focus: a level, a subject or the mentor's
unit). Hard rules 2, 3, 4 (for mentors) and 7 are decided by frames alone, so they are checked
once here and every later step only ever looks at admissible (person, position, frame) triples.

Rule 7 and absent regions: a frame that meets in person has a region, the mentor's; a mentor
without a region has one in-person frame per region of the participants (or one without a
region when no participant has one), so their group takes people of that one region. A
participant without a region (a student teacher has no unit, hence no region) fits an in-person
frame of any region; a participant with a region fits only frames of that region.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from .model import FixedGroup, Mentor, Participant, Problem, Weights

DEFAULT_KIND = "theme"
DEFAULT_THEME = "general"


@dataclass(frozen=True)
class Frame:
    slot: str
    language: str
    online: bool
    region: str | None = None
    """The region the group meets in; None online (and where nobody has a region)."""


@dataclass(frozen=True)
class Topic:
    kind: str
    focus: str | None = None


@dataclass(frozen=True)
class Position:
    id: str
    mentor: Mentor
    fixed: FixedGroup | None
    frames: tuple[Frame, ...]
    themes: tuple[str, ...]
    topics: tuple[Topic, ...]


class Instance:
    """Indexes over a `Problem`; people are addressed by their index in `problem.participants`."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.weights: Weights = problem.weights
        self.size = problem.size
        self.people: tuple[Participant, ...] = problem.participants
        self.index = {p.id: i for i, p in enumerate(self.people)}
        self.mentors = {m.id: m for m in problem.mentors}
        self.errors: list[str] = []
        self.novice = [
            p.years is not None and p.years <= self.weights.novice_years for p in self.people
        ]
        self._build_conflicts()
        self._build_blocks()
        self.themes = self._all_themes()
        kinds: dict[str, None] = {DEFAULT_KIND: None}
        for p in self.people:
            kinds.update(dict.fromkeys(p.kinds))
        self._kinds = tuple(kinds)
        self._levels = sorted({p.level for p in self.people if p.level})
        self._subjects = sorted({s for p in self.people for s in p.subjects})
        self.regions: tuple[str, ...] = tuple(sorted({p.region for p in self.people if p.region}))
        """The participants' regions: where a mentor without a region may meet in person."""
        self.positions = self._build_positions()
        self.position_index = {pos.id: k for k, pos in enumerate(self.positions)}
        self.places: frozenset[str | None] = frozenset(
            f.region for pos in self.positions for f in pos.frames if not f.online
        )
        """Every region some group could meet in, in person (None: a group without one)."""
        topics: dict[Topic, None] = {}
        for pos in self.positions:
            topics.update(dict.fromkeys(pos.topics))
        self._plain_topics = [t for t in topics if t.kind != "unit"]
        self._unit_foci = sorted({t.focus for t in topics if t.kind == "unit" and t.focus})
        self._build_pins()
        self.theme_cost = [self._theme_costs(p) for p in self.people]
        self._topic_costs: dict[Topic, _TopicCosts] = {}

    # -- relations -----------------------------------------------------------------------------
    def _build_conflicts(self) -> None:
        self.conflicts: list[set[int]] = [set() for _ in self.people]
        self.mentor_conflicts: dict[str, set[int]] = defaultdict(set)
        for a, b in (*self.problem.apart, *self.problem.supervises):
            ia, ib = self.index.get(a), self.index.get(b)
            if ia is not None and ib is not None:
                if ia != ib:
                    self.conflicts[ia].add(ib)
                    self.conflicts[ib].add(ia)
            elif ia is not None and b in self.mentors:
                self.mentor_conflicts[b].add(ia)
            elif ib is not None and a in self.mentors:
                self.mentor_conflicts[a].add(ib)
            elif not (a in self.mentors and b in self.mentors):
                self.errors.append(f"pair ({a}, {b}) names someone who is not in the problem")

    def _build_blocks(self) -> None:
        """People linked by `together` pairs form blocks that are always placed as one."""
        parent = list(range(len(self.people)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for a, b in self.problem.together:
            ia, ib = self.index.get(a), self.index.get(b)
            if ia is None or ib is None:
                self.errors.append(
                    f"together pair ({a}, {b}) names someone who is not a participant"
                )
                continue
            parent[find(ia)] = find(ib)
        members: dict[int, list[int]] = defaultdict(list)
        for i in range(len(self.people)):
            members[find(i)].append(i)
        self.blocks: list[tuple[int, ...]] = [tuple(m) for m in members.values()]
        self.block_of = [0] * len(self.people)
        for number, block in enumerate(self.blocks):
            for i in block:
                self.block_of[i] = number
        self.block_conflicts: list[set[int]] = [
            {self.block_of[j] for i in block for j in self.conflicts[i]} for block in self.blocks
        ]
        # A block that must be both together and apart can never be placed.
        self.self_conflicting = {b for b, c in enumerate(self.block_conflicts) if b in c}

    def _all_themes(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for p in self.people:
            seen.update(dict.fromkeys(p.themes))
        for m in self.problem.mentors:
            seen.update(dict.fromkeys(m.themes))
        for g in self.problem.groups:
            if g.theme:
                seen[g.theme] = None
        return tuple(seen) or (DEFAULT_THEME,)

    def _all_topics(self, mentor: Mentor, kind: str | None) -> tuple[Topic, ...]:
        kinds = (kind,) if kind is not None else self._kinds
        topics: list[Topic] = []
        for k in kinds:
            if k == "level":
                topics.extend(Topic(k, level) for level in self._levels)
            elif k == "subject":
                topics.extend(Topic(k, subject) for subject in self._subjects)
            elif k == "unit":
                if mentor.unit:
                    topics.append(Topic(k, mentor.unit))
            else:
                topics.append(Topic(k))
        return tuple(topics) or (Topic(kind or DEFAULT_KIND),)

    def _frames(self, mentor: Mentor, fixed: FixedGroup | None) -> tuple[Frame, ...]:
        slots = [s for s in mentor.slots if fixed is None or fixed.slot in (None, s)]
        languages = [x for x in mentor.languages if fixed is None or fixed.language in (None, x)]
        onlines = [o for o in (False, True) if fixed is None or fixed.online in (None, o)]
        # In person the mentor's region; a mentor without one may meet in any one region.
        places: list[str | None] = (
            [mentor.region] if mentor.region else list(self.regions) or [None]
        )
        # One meeting time per mentor: a mentor never leads two groups in the same slot.
        return tuple(
            Frame(s, lang, o, None if o else place)
            for s in dict.fromkeys(slots)
            for lang in languages
            for o in onlines
            for place in ([None] if o else places)
        )

    def _build_positions(self) -> tuple[Position, ...]:
        positions: list[Position] = []
        used: dict[str, int] = defaultdict(int)
        taken_ids = {g.id for g in self.problem.groups}
        for g in self.problem.groups:
            mentor = self.mentors.get(g.mentor)
            if mentor is None:
                self.errors.append(
                    f"group {g.id} names mentor {g.mentor}, who is not in the problem"
                )
                continue
            used[mentor.id] += 1
            themes = (g.theme,) if g.theme else self.themes
            if used[mentor.id] > mentor.capacity:
                # Rule 6 counts fixed groups too: one beyond the capacity is never opened.
                self.errors.append(
                    f"group {g.id} would make mentor {mentor.id} lead more than their capacity "
                    f"of {mentor.capacity}"
                )
                positions.append(Position(g.id, mentor, g, (), themes, (Topic(DEFAULT_KIND),)))
                continue
            positions.append(
                Position(
                    g.id,
                    mentor,
                    g,
                    self._frames(mentor, g),
                    themes,
                    self._all_topics(mentor, g.kind),
                )
            )
        for mentor in self.problem.mentors:
            for k in range(max(0, mentor.capacity - used[mentor.id])):
                n, gid = k + 1, f"{mentor.id}-{k + 1}"
                while gid in taken_ids:
                    n += 1
                    gid = f"{mentor.id}-{n}"
                taken_ids.add(gid)
                positions.append(
                    Position(
                        gid,
                        mentor,
                        None,
                        self._frames(mentor, None),
                        self.themes,
                        self._all_topics(mentor, None),
                    )
                )
        return tuple(positions)

    def _build_pins(self) -> None:
        self.pinned: dict[int, int] = {}
        for pin in self.problem.pinned:
            i, k = self.index.get(pin.participant), self.position_index.get(pin.group)
            if i is None or k is None:
                self.errors.append(f"pin of {pin.participant} to {pin.group} names an unknown id")
                continue
            self.pinned[i] = k

    # -- compatibility -------------------------------------------------------------------------
    def meets(self, i: int, frame: Frame) -> bool:
        """Rules 2, 3 and 7 for one person in one frame.

        Rule 7: online only if the person accepts it; in person only in the person's region,
        and anywhere if the person has no region.
        """
        p = self.people[i]
        if frame.slot not in p.slots or frame.language not in p.languages:
            return False
        if frame.online:
            return p.online
        return p.region is None or p.region == frame.region

    def fits(self, i: int, pos: Position, frame: Frame) -> bool:
        """Rules 2, 3, 7 and the mentor's side of rule 4 for one person in one frame."""
        return self.meets(i, frame) and i not in self.mentor_conflicts.get(pos.mentor.id, ())

    def block_fits(self, b: int, pos: Position, frame: Frame) -> bool:
        if b in self.self_conflicting:
            return False
        return all(self.fits(i, pos, frame) for i in self.blocks[b])

    # -- costs -----------------------------------------------------------------------------------
    def _theme_costs(self, p: Participant) -> dict[str, float]:
        costs = {theme: self.weights.no_wish for theme in self.themes}
        for rank, theme in enumerate(p.themes):
            costs[theme] = min(
                costs.get(theme, self.weights.no_wish), self.weights.theme_cost(rank)
            )
        return costs

    def topic_cost(self, i: int, topic: Topic) -> float:
        """Penalty for person `i` in a group of this kind and focus."""
        p, w = self.people[i], self.weights
        rank = p.kinds.index(topic.kind) if topic.kind in p.kinds else None
        cost = w.kind_cost(rank, bool(p.kinds))
        if topic.kind == "level" and p.level != topic.focus:
            cost += w.level_mismatch
        elif topic.kind == "subject" and topic.focus not in p.subjects:
            cost += w.subject_mismatch
        elif topic.kind == "unit" and p.unit != topic.focus:
            cost += w.unit_mismatch
        return cost

    def topic_costs(self, topic: Topic) -> Mapping[int, float]:
        """`topic_cost` by person index, each worked out once (scoring a group reads it once
        per member)."""
        costs = self._topic_costs.get(topic)
        if costs is None:
            costs = self._topic_costs[topic] = _TopicCosts(self, topic)
        return costs

    def min_topic_cost(self, i: int) -> float:
        """The least topic penalty person `i` could have in any group."""
        unit = self.people[i].unit
        candidates = list(self._plain_topics)
        candidates.extend(Topic("unit", f) for f in self._unit_foci if f == unit)
        foreign = next((f for f in self._unit_foci if f != unit), None)
        if foreign is not None:
            candidates.append(Topic("unit", foreign))
        return min((self.topic_cost(i, t) for t in candidates), default=0.0)

    def mentor_theme_cost(self, pos: Position, theme: str) -> float:
        return 0.0 if theme in pos.mentor.themes else self.weights.mentor_theme


class _TopicCosts(dict[int, float]):
    """One topic's `Instance.topic_cost` per person, worked out on first lookup."""

    def __init__(self, inst: Instance, topic: Topic) -> None:
        super().__init__()
        self.inst = inst
        self.topic = topic

    def __missing__(self, i: int) -> float:
        cost = self[i] = self.inst.topic_cost(i, self.topic)
        return cost

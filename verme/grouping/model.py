"""Typed, immutable data that goes into and comes out of the optimiser."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class SizeRule:
    """Group size bounds and target (the mentor is not counted)."""

    min: int = 4
    max: int = 10
    target: int = 7


@dataclass(frozen=True)
class Participant:
    id: str
    languages: tuple[str, ...]
    slots: tuple[str, ...]
    themes: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    unit: str | None = None
    years: float | None = None
    role: str | None = None
    level: str | None = None
    subjects: tuple[str, ...] = ()
    region: str | None = None
    online: bool = False


@dataclass(frozen=True)
class Mentor:
    id: str
    languages: tuple[str, ...]
    slots: tuple[str, ...]
    themes: tuple[str, ...] = ()
    capacity: int = 1
    unit: str | None = None
    region: str | None = None


@dataclass(frozen=True)
class FixedGroup:
    """A group decided in advance; absent attributes are the optimiser's to choose."""

    id: str
    mentor: str
    theme: str | None = None
    slot: str | None = None
    language: str | None = None
    online: bool | None = None
    kind: str | None = None


@dataclass(frozen=True)
class Pin:
    participant: str
    group: str


@dataclass(frozen=True)
class Weights:
    """The coordinator's emphasis on each soft criterion, in penalty points.

    The optimiser maximises `unassigned * placed people - penalties`; see docs/grouping.md.
    """

    unassigned: float = 100.0
    """Points lost for each participant left without a group."""
    theme_rank: tuple[float, ...] = (0.0, 4.0, 8.0)
    """Penalty for getting the 1st, 2nd, 3rd... listed theme (later ranks repeat the last)."""
    no_wish: float = 30.0
    """Penalty for a placed person whose group theme is none of their listed themes."""
    kind_rank: tuple[float, ...] = (0.0, 2.0, 4.0)
    """Penalty for getting the 1st, 2nd, 3rd... listed group kind."""
    kind_other: float = 6.0
    """Penalty when the group kind is not one the person listed (0 if they listed none)."""
    level_mismatch: float = 3.0
    """Per member whose school level differs from the level of a `level` group."""
    subject_mismatch: float = 3.0
    """Per member without the subject of a `subject` group."""
    unit_mismatch: float = 3.0
    """Per member of a one-unit (`unit` kind) group who comes from another unit."""
    unit_share: float = 2.0
    """Per member above `max_unit_share` of the group from one unit (not for `unit` groups)."""
    max_unit_share: float = 0.5
    """The largest share of a group that may come from one unit without penalty."""
    lone_novice: float = 6.0
    """Per group with exactly one novice."""
    no_experienced: float = 6.0
    """Per group without any experienced member."""
    novice_years: float = 5.0
    """Up to this many years in the profession a person counts as a novice."""
    mentor_theme: float = 3.0
    """Per group whose theme is not among its mentor's themes."""
    size: float = 1.0
    """Per member of difference between a group's size and the target size."""

    def theme_cost(self, rank: int | None) -> float:
        """Penalty for getting the theme at 0-based `rank` of one's list (None: not listed)."""
        if rank is None:
            return self.no_wish
        return self.theme_rank[min(rank, len(self.theme_rank) - 1)] if self.theme_rank else 0.0

    def kind_cost(self, rank: int | None, listed_any: bool) -> float:
        if not listed_any:
            return 0.0
        if rank is None:
            return self.kind_other
        return self.kind_rank[min(rank, len(self.kind_rank) - 1)] if self.kind_rank else 0.0


@dataclass(frozen=True)
class Problem:
    participants: tuple[Participant, ...]
    mentors: tuple[Mentor, ...]
    size: SizeRule = SizeRule()
    slots: tuple[str, ...] = ()
    groups: tuple[FixedGroup, ...] = ()
    apart: tuple[tuple[str, str], ...] = ()
    together: tuple[tuple[str, str], ...] = ()
    supervises: tuple[tuple[str, str], ...] = ()
    pinned: tuple[Pin, ...] = ()
    weights: Weights = Weights()
    time_limit_s: float | None = None

    def restricted(
        self, participants: tuple[Participant, ...], mentors: tuple[Mentor, ...]
    ) -> Problem:
        """This problem with only these participants and mentors and the pairs among them, and
        no fixed groups or pins (a part of it solved on its own)."""
        ids = {p.id for p in participants} | {m.id for m in mentors}

        def inside(pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
            return tuple(pair for pair in pairs if pair[0] in ids and pair[1] in ids)

        return replace(
            self,
            participants=participants,
            mentors=mentors,
            apart=inside(self.apart),
            together=inside(self.together),
            supervises=inside(self.supervises),
            groups=(),
            pinned=(),
        )


@dataclass(frozen=True)
class Explanation:
    """Why a person is where they are, as data for translation plus an English sentence.

    `code` is `placed` or an unassigned reason code (`no_shared_language_slot`,
    `no_compatible_mentor`, `group_too_small`, `apart_conflict`, `groups_full`).
    """

    participant: str
    code: str
    text: str
    group: str | None = None
    theme_rank: int | None = None
    """1-based rank of the group's theme in the person's list; None when not listed."""
    slot: str | None = None
    units: int | None = None
    novices: int | None = None
    experienced: int | None = None
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class GroupSummary:
    size: int
    slot: str
    language: str
    units: int
    novices: int
    experienced: int
    first_wish: int
    any_wish: int
    penalty: float


@dataclass(frozen=True)
class SolvedGroup:
    id: str
    mentor: str
    theme: str
    slot: str
    language: str
    online: bool
    members: tuple[str, ...]
    kind: str = "theme"
    focus: str | None = None
    summary: GroupSummary | None = None


@dataclass(frozen=True)
class Unassigned:
    id: str
    reason: str
    code: str = "unassigned"


@dataclass(frozen=True)
class Solution:
    status: str
    """`optimal` (proved), `feasible` (stopped early) or `infeasible`."""
    objective: float
    """Score to maximise: `unassigned` weight per placed participant minus penalties."""
    bound: float
    """Proven upper bound on `objective`."""
    seconds: float
    groups: tuple[SolvedGroup, ...]
    unassigned: tuple[Unassigned, ...]
    explanations: tuple[Explanation, ...] = ()
    penalty: float = 0.0
    """Total penalty including `unassigned` points for people left out (minimised)."""
    penalty_bound: float = 0.0
    """Proven lower bound on `penalty`."""
    notes: tuple[str, ...] = ()

    @property
    def gap(self) -> float:
        """Relative gap `|objective - bound| / |bound|` as the exchange format defines it."""
        return relative_gap(self.objective, self.bound)


def relative_gap(objective: float, bound: float) -> float:
    """The exchange format's gap; `inf` when the bound is 0 and the objective is not."""
    if bound == 0:
        return 0.0 if objective == 0 else float("inf")
    return abs(objective - bound) / abs(bound)


@dataclass(frozen=True)
class Violation:
    """A broken hard rule (numbered as in grouping-format.md; 0 for structural errors)."""

    rule: int
    message: str
    group: str | None = None
    participant: str | None = None

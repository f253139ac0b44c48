"""The objective and penalty of any grouping of a problem, with the optimiser's own cost model.

`solve()` reports the figures of the grouping it found. Once someone changes that grouping by
hand (moves a person, takes one out of every group) those figures no longer describe it;
`evaluate()` scores any grouping exactly as the optimiser would: `scoring.group_penalty` for each
group with the theme, kind and focus the group has (not re-chosen), and the `unassigned` weight
for each participant in no group. `rescore()` writes the result back into a `Solution`.

The proven bound belongs to the problem, not to a grouping: no valid grouping of the same problem
scores more than `bound` (or has less penalty than `penalty_bound`), so it stays valid after any
change by hand, and the gap is simply recomputed from the new objective.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .explain import group_summary
from .instance import Instance, Topic
from .model import GroupSummary, Problem, Solution, SolvedGroup, relative_gap
from .scoring import group_penalty


class EvaluationError(ValueError):
    """The grouping names a participant, mentor, group or theme the problem does not know."""


@dataclass(frozen=True)
class GroupEvaluation:
    id: str
    summary: GroupSummary
    """Size, units, novices, wishes met and the group's penalty (as in the solver's summary)."""


@dataclass(frozen=True)
class Evaluation:
    """A grouping's figures, in the optimiser's terms (see docs/grouping.md)."""

    objective: float
    """`unassigned` weight × participants − penalty: the score the optimiser maximises."""
    penalty: float
    """Every group's penalty plus the `unassigned` weight for each participant in no group."""
    placed: int
    unplaced: int
    groups: tuple[GroupEvaluation, ...]

    def gap(self, bound: float) -> float:
        """`|objective - bound| / |bound|` against a proven bound of the same problem."""
        return relative_gap(self.objective, bound)


def evaluate(problem: Problem, solution: Solution) -> Evaluation:
    """The exact objective and penalty of `solution`'s groups for `problem`.

    Each group is scored with the theme and topic (kind and focus) it has; the hard rules are not
    checked here (that is `validate()`). Raises `EvaluationError` when a group names a member,
    mentor or theme the problem does not have.
    """
    inst = Instance(problem)
    mentor_position: dict[str, int] = {}
    for index, pos in enumerate(inst.positions):
        mentor_position.setdefault(pos.mentor.id, index)
    placed: set[int] = set()
    groups: list[GroupEvaluation] = []
    total = 0.0
    for group in solution.groups:
        k = inst.position_index.get(group.id)
        if k is None or inst.positions[k].mentor.id != group.mentor:
            # The group penalty only needs the position's mentor (for the mentor-theme term).
            k = mentor_position.get(group.mentor)
        if k is None:
            raise EvaluationError(f"group {group.id} names mentor {group.mentor}, who leads none")
        members = _members(inst, group)
        if members and group.theme not in inst.themes:
            raise EvaluationError(
                f"group {group.id} has theme {group.theme}, unknown to the problem"
            )
        if placed.intersection(members):
            raise EvaluationError(f"group {group.id} repeats a member of another group")
        placed.update(members)
        cost = group_penalty(inst, k, group.theme, Topic(group.kind, group.focus), members)
        total += cost
        summary = group_summary(inst, members, group.theme, group.slot, group.language, cost)
        groups.append(GroupEvaluation(id=group.id, summary=summary))
    unplaced = len(inst.people) - len(placed)
    penalty = total + inst.weights.unassigned * unplaced
    scale = inst.weights.unassigned * len(inst.people)
    return Evaluation(
        objective=round(scale - penalty, 6),
        penalty=round(penalty, 6),
        placed=len(placed),
        unplaced=unplaced,
        groups=tuple(groups),
    )


def rescore(problem: Problem, solution: Solution) -> Solution:
    """`solution` with its objective, penalty and group summaries those of its groups as they
    are now; the bounds, status, time and explanations stay the optimiser's."""
    evaluation = evaluate(problem, solution)
    return dataclasses.replace(
        solution,
        objective=evaluation.objective,
        penalty=evaluation.penalty,
        groups=tuple(
            dataclasses.replace(group, summary=scored.summary)
            for group, scored in zip(solution.groups, evaluation.groups, strict=True)
        ),
    )


def _members(inst: Instance, group: SolvedGroup) -> list[int]:
    members: list[int] = []
    for pid in group.members:
        i = inst.index.get(pid)
        if i is None:
            raise EvaluationError(f"group {group.id} has {pid}, who is not a participant")
        members.append(i)
    if len(set(members)) != len(members):
        raise EvaluationError(f"group {group.id} lists a member twice")
    return members


__all__ = [
    "Evaluation",
    "EvaluationError",
    "GroupEvaluation",
    "evaluate",
    "relative_gap",
    "rescore",
]

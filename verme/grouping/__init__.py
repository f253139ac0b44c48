"""The group optimiser: pure Python, typed dataclasses in and out, no Django and no database.

Call `solve(problem)` for groups, `validate(problem, solution)` for broken hard rules and
`evaluate(problem, solution)` to score any grouping; the JSON exchange format lives in
`exchange`, the command line in `__main__`.
"""

from .evaluate import Evaluation, EvaluationError, evaluate
from .exchange import (
    FormatError,
    problem_from_dict,
    problem_to_dict,
    solution_from_dict,
    solution_to_dict,
)
from .model import (
    Explanation,
    FixedGroup,
    GroupSummary,
    Mentor,
    Participant,
    Pin,
    Problem,
    SizeRule,
    Solution,
    SolvedGroup,
    Unassigned,
    Violation,
    Weights,
)
from .rules import validate
from .solver import solve

__all__ = [
    "Evaluation",
    "EvaluationError",
    "Explanation",
    "FixedGroup",
    "FormatError",
    "GroupSummary",
    "Mentor",
    "Participant",
    "Pin",
    "Problem",
    "SizeRule",
    "Solution",
    "SolvedGroup",
    "Unassigned",
    "Violation",
    "Weights",
    "problem_from_dict",
    "problem_to_dict",
    "solution_from_dict",
    "solution_to_dict",
    "evaluate",
    "solve",
    "validate",
]

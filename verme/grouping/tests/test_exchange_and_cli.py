"""The JSON exchange format round-trips, tolerates unknown fields, and drives the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from verme.grouping import (
    FixedGroup,
    FormatError,
    Pin,
    Weights,
    problem_from_dict,
    problem_to_dict,
    solution_from_dict,
    solution_to_dict,
    solve,
)

from .make import crowd, mentor, problem

EXAMPLE = {
    "format": "verme-grouping/1",
    "size": {"min": 3, "max": 5, "target": 4},
    "slots": ["mon-1400", "tue-1400"],
    "participants": [
        {
            "id": f"p{i}",
            "languages": ["fi"],
            "slots": ["mon-1400"],
            "themes": ["wellbeing"],
            "unit": f"u{i}",
            "years": i,
            "region": "north",
            "favourite_colour": "blue",
        }
        for i in range(4)
    ],
    "mentors": [
        {"id": "m1", "languages": ["fi"], "slots": ["mon-1400"], "capacity": 1, "region": "north"}
    ],
    "weights": {"theme_rank": [0, 3, 6], "unassigned": 100, "no_such_weight": 1},
    "future_field": {"anything": True},
}


def test_problem_round_trips_through_json() -> None:
    original = problem(
        crowd("p", 5, kinds=("theme",), subjects=("mathematics",), online=True),
        [mentor("m1", capacity=2)],
        groups=(FixedGroup(id="g1", mentor="m1", theme="wellbeing", online=False),),
        apart=(("p0", "p1"),),
        together=(("p2", "p3"),),
        supervises=(("m1", "p4"),),
        pinned=(Pin("p2", "g1"),),
        weights=Weights(theme_rank=(0.0, 3.0, 6.0), unassigned=80.0),
        time_limit_s=12.0,
    )
    text = json.dumps(problem_to_dict(original))
    assert problem_from_dict(json.loads(text)) == original


def test_solution_round_trips_through_json() -> None:
    p = problem(crowd("p", 5), [mentor("m1")])
    solution = solve(p, time_limit_s=1.0)
    again = solution_from_dict(json.loads(json.dumps(solution_to_dict(solution))))
    assert again == solution


def test_unknown_fields_are_ignored_and_optional_fields_may_be_absent() -> None:
    p = problem_from_dict(EXAMPLE)
    assert p.participants[0].kinds == ()
    assert p.participants[0].online is False
    assert p.weights.theme_rank == (0.0, 3.0, 6.0)
    assert p.weights.no_wish == Weights().no_wish
    assert p.groups == ()


def test_bad_input_names_the_offending_field() -> None:
    with pytest.raises(FormatError, match="problem.format"):
        problem_from_dict({**EXAMPLE, "format": "other"})
    broken = {
        **EXAMPLE,
        "mentors": [{"id": "m1", "languages": ["fi"], "slots": [], "capacity": "two"}],
    }
    with pytest.raises(FormatError, match=r"mentors\[0\].capacity"):
        problem_from_dict(broken)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "verme.grouping", *args], capture_output=True, text=True, check=False
    )


def test_cli_solves_and_validates_a_problem_file(tmp_path: Path) -> None:
    problem_file = tmp_path / "problem.json"
    solution_file = tmp_path / "solution.json"
    problem_file.write_text(json.dumps(EXAMPLE), encoding="utf-8")
    solved = _cli("solve", str(problem_file), "-o", str(solution_file), "--time-limit", "2", "-q")
    assert solved.returncode == 0, solved.stderr
    data = json.loads(solution_file.read_text(encoding="utf-8"))
    assert data["format"] == "verme-grouping-solution/1"
    assert data["status"] == "optimal"
    assert sorted(data["groups"][0]["members"]) == ["p0", "p1", "p2", "p3"]
    assert set(data["explanations"]) == {"p0", "p1", "p2", "p3"}
    checked = _cli("validate", str(problem_file), str(solution_file))
    assert checked.returncode == 0
    assert "valid" in checked.stdout


def test_cli_validate_prints_every_broken_rule_and_fails(tmp_path: Path) -> None:
    problem_file = tmp_path / "problem.json"
    solution_file = tmp_path / "solution.json"
    problem_file.write_text(json.dumps(EXAMPLE), encoding="utf-8")
    bad = {
        "format": "verme-grouping-solution/1",
        "status": "feasible",
        "groups": [
            {
                "id": "g1",
                "mentor": "m1",
                "theme": "wellbeing",
                "slot": "tue-1400",
                "language": "sv",
                "online": False,
                "members": ["p0", "p1"],
            }
        ],
        "unassigned": [{"id": "p2", "reason": "?"}],
    }
    solution_file.write_text(json.dumps(bad), encoding="utf-8")
    checked = _cli("validate", str(problem_file), str(solution_file))
    assert checked.returncode == 1
    assert "rule 0: p3 is neither in a group nor listed as unassigned" in checked.stdout
    assert "rule 1: group g1 has 2 members" in checked.stdout
    assert "rule 2:" in checked.stdout
    assert "rule 3:" in checked.stdout


def test_cli_help_explains_every_command() -> None:
    top = _cli("--help")
    assert top.returncode == 0
    assert "solve" in top.stdout
    assert "validate" in top.stdout
    assert "compile" in top.stdout
    sub = _cli("solve", "--help")
    assert "--time-limit" in sub.stdout
    assert "SOLUTION.json" in sub.stdout
    assert "numba" in _cli("compile", "--help").stdout


def test_cli_compiles_the_pricing_search() -> None:
    result = _cli("compile")
    assert result.returncode == 0, result.stderr
    assert "compiled" in result.stderr


def test_cli_reports_bad_input_with_exit_status_two(tmp_path: Path) -> None:
    problem_file = tmp_path / "problem.json"
    problem_file.write_text("{}", encoding="utf-8")
    result = _cli("solve", str(problem_file), "-q")
    assert result.returncode == 2
    assert "problem.format" in result.stderr

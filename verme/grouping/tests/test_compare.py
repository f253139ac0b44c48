"""`python -m bench.grouping.compare`: two checkouts on the same problems, scored here."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.grouping.compare import Case, Run, _seeds, compare, main, table

ROOT = Path(__file__).resolve().parents[3]


def test_the_table_counts_pairs_and_problems_the_new_code_made_cheaper() -> None:
    results = {
        Case(1000, 1, False): (
            [Run(900.0, 380.0), Run(880.0, 380.0)],
            [Run(850.0, 400.0), Run(890.0, 410.0)],
        ),
        Case(1000, 1, True): (
            [Run(700.0, 360.0), Run(700.0, 360.0)],
            [Run(650.0, 360.0), Run(660.0, 370.0)],
        ),
    }
    text = table(results, "before", "after")
    assert "| 1,000 seed 1 | 900 (380), 880 (380) | 850 (400), 890 (410) |" in text
    assert "| 1,000 placeable seed 1 | 700 (360), 700 (360) | 650 (360), 660 (370) |" in text
    assert "| mean | 795.0 | 762.5 (-4.1 %) |" in text
    assert "| mean bound | 370.0 | 385.0 (+4.1 %) |" in text
    assert "after lower in 3 of 4 pairs, higher in 1; lower on average for 2 of 2 problems." in (
        text
    )


def test_seeds_are_a_range_or_a_list() -> None:
    assert _seeds("1-6") == [1, 2, 3, 4, 5, 6]
    assert _seeds("1,3") == [1, 3]


def test_one_checkout_against_itself_runs_both_sides_on_the_same_problem(tmp_path: Path) -> None:
    case = Case(60, 2, False)
    results = compare(ROOT, ROOT, [case], runs=1, time_limit=2.0, work=tmp_path)
    before, after = results[case]
    assert len(before) == len(after) == 1
    # Seed 2 is proved optimal at 111 within seconds (docs/benchmarks-grouping.md); in 2 s
    # both sides find a valid grouping at least as costly.
    assert min(before[0].penalty, after[0].penalty) >= 111
    # Each run's proven bound is read from its solution: above nothing, at most the optimum.
    assert 0 < before[0].bound <= 111
    assert 0 < after[0].bound <= 111
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "60-o2-0-0.solution.json",  # before, first run
        "60-o2-1-0.solution.json",  # after, first run
        "60-o2.json",
    ]


def test_a_directory_that_is_not_a_checkout_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Otherwise the installed verme would run there and the comparison would be of one code.
    with pytest.raises(SystemExit):
        main([str(tmp_path), str(ROOT), "--size", "60", "--seeds", "1", "--runs", "1"])
    assert "is not a checkout of Verme" in capsys.readouterr().err
    with pytest.raises(ValueError, match="is not a checkout of Verme"):
        compare(tmp_path, ROOT, [Case(60, 1, False)], runs=1, time_limit=1.0, work=tmp_path)

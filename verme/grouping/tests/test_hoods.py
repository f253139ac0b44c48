"""`python -m bench.grouping.hoods`: neighbourhoods recorded from a search, replayed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.grouping.hoods import main, record, replay


def test_recorded_neighbourhoods_replay_to_what_the_search_found(tmp_path: Path) -> None:
    data = record(150, 1, warm_up=0.5, seconds=2.0, plan_s=1.0)
    assert data["end"] <= data["start"]
    noted = data["neighbourhoods"]
    assert noted
    totals = replay(noted)
    assert totals["neighbourhoods"] == len(noted)
    assert totals["cheaper"] + totals["proved"] <= len(noted)
    assert totals["gained"] >= 0.0
    # Every gain is a grouping cheaper than the neighbourhood was: never more than it cost.
    assert totals["gained"] <= sum(item["cost"] for item in noted)
    path = tmp_path / "hoods.json"
    path.write_text(json.dumps(data))
    assert main(["replay", str(path)]) == 0


def test_the_command_needs_a_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 2
    assert "record" in capsys.readouterr().err

"""Every management command of Verme is documented, with a real --help text."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

ROOT = Path(__file__).resolve().parents[2]
VERME_COMMANDS = sorted(
    (name, app) for name, app in get_commands().items() if app.startswith("verme.")
)


def test_verme_has_management_commands() -> None:
    assert VERME_COMMANDS


@pytest.mark.parametrize(("name", "app"), VERME_COMMANDS)
def test_every_command_is_in_the_operations_guide_with_help(name: str, app: str) -> None:
    assert f"`{name}" in (ROOT / "docs" / "operations.md").read_text(), name
    command = load_command_class(app, name)
    assert len(command.help) > 40, name

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from verme.organisations.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = (
        "Create the demo organisations (seinajoki-demo, gradia-demo), their units and one user "
        "per role, named <role>@<slug>.example, plus network@verme.example; the password of "
        "every demo user is 'demo' and works only while DEBUG is on. Safe to run again: "
        "nothing is duplicated."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--solver-seconds",
            type=float,
            default=10.0,
            help="time limit of the group optimiser for each demo round (default: %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        emails = seed_demo(solver_seconds=options["solver_seconds"])
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Demo sign-ins:"))
        for email in emails:
            self.stdout.write(f"  {email}  (password: {DEMO_PASSWORD})")

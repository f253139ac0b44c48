from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from verme.organisations.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = (
        "Create the demo organisations (seinajoki-demo, gradia-demo), their units and one user "
        "per role, named <role>@<slug>.example, plus network@verme.example; the password of "
        "every demo user is 'demo' and works only while DEBUG is on. Safe to run again: "
        "nothing is duplicated."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        emails = seed_demo()
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Demo sign-ins:"))
        for email in emails:
            self.stdout.write(f"  {email}  (password: {DEMO_PASSWORD})")

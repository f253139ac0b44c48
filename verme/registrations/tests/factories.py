from __future__ import annotations

from typing import Any

import factory

from verme.registrations.models import Registration
from verme.registrations.services import registration_submit
from verme.registrations.validation import RegistrationData
from verme.rounds.models import Round
from verme.rounds.selectors import round_slots, round_themes
from verme.rounds.tests.factories import RoundFactory


def signup_data(round_: Round, **overrides: Any) -> RegistrationData:
    """A complete, valid sign-up for the round; override any field."""
    themes = round_themes(round_=round_)
    slots = round_slots(round_=round_)
    units = list(round_.organisation.units.all())
    values: dict[str, Any] = {
        "first_name": "Aino",
        "last_name": "Virtanen",
        "email": "aino.virtanen@example.org",
        "job_title": "teacher",
        "unit": units[0] if units else None,
        "school_level": "primary",
        "subjects": "matematiikka",
        "years_in_profession": 3,
        "career_stage": "new",
        "themes": themes[:2],
        "group_kinds": ["theme"],
        "group_language": "fi",
        "slots": slots[: round_.min_slots],
    }
    if values["unit"] is None:
        values["job_title"] = "student_teacher"
    values.update(overrides)
    return RegistrationData(**values)


class RegistrationFactory(factory.Factory[Registration]):
    """A registration submitted through the service, as the form would."""

    class Meta:
        model = Registration

    round = factory.SubFactory(RoundFactory)
    email = factory.Sequence(lambda n: f"person{n}@school.example.org")
    language = "fi"
    notify = False

    @classmethod
    def _create(cls, model_class: type[Registration], *args: Any, **kwargs: Any) -> Registration:
        round_ = kwargs.pop("round")
        language = kwargs.pop("language")
        notify = kwargs.pop("notify")
        return registration_submit(
            round_=round_,
            data=signup_data(round_, **kwargs),
            language=language,
            notify=notify,
        )

"""What a registration must satisfy: from the form, the private link or an import alike."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from verme.organisations.models import Unit
from verme.registrations.models import Registration, normalise_email
from verme.rounds.models import Round, Theme, TimeSlot


@dataclass(frozen=True)
class RegistrationData:
    """What a person tells about themselves when signing up (the form and imports fill it)."""

    first_name: str
    last_name: str
    email: str
    job_title: str
    unit: Unit | None
    school_level: str
    years_in_profession: int
    career_stage: str
    themes: list[Theme]
    group_language: str
    slots: list[TimeSlot]
    subjects: str = ""
    group_kinds: list[str] = field(default_factory=list)
    keep_together_with: str = ""
    needs: str = ""
    accepts_online: bool = False


def _fill(registration: Registration, data: RegistrationData) -> None:
    themes = [*data.themes, None, None, None][:3]
    registration.first_name = data.first_name.strip()
    registration.last_name = data.last_name.strip()
    registration.email = normalise_email(data.email)
    registration.job_title = data.job_title
    registration.unit = data.unit
    registration.school_level = data.school_level
    registration.subjects = data.subjects.strip()
    registration.years_in_profession = data.years_in_profession
    registration.career_stage = data.career_stage
    registration.theme_1, registration.theme_2, registration.theme_3 = themes
    registration.group_kinds = list(data.group_kinds)
    registration.group_language = data.group_language
    registration.accepts_online = data.accepts_online
    registration.keep_together_with = normalise_email(data.keep_together_with)
    registration.needs = data.needs.strip()


def registration_validate(
    *, round_: Round, data: RegistrationData, registration: Registration | None = None
) -> Registration:
    """Check every field against the round; return the (unsaved) registration or raise."""
    registration = registration or Registration(organisation=round_.organisation, round=round_)
    registration.round = round_
    _fill(registration, data)
    if registration.consented_at is None:
        registration.consented_at = timezone.now()
    errors: dict[str, list[ValidationError]] = {}
    try:
        registration.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if any(slot.round_id != round_.pk for slot in data.slots):
        errors["availability"] = [ValidationError(_("Choose times from the table."))]
    elif len(set(data.slots)) < round_.min_slots:
        errors["availability"] = [
            ValidationError(
                _("Tick at least %(count)d times when you could meet.")
                % {"count": round_.min_slots}
            )
        ]
    if errors:
        raise ValidationError(errors)
    return registration

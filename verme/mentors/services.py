from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from verme.accounts.models import User
from verme.audit.services import audit_record
from verme.mentors.models import Mentor, RoundMentor
from verme.organisations.models import Unit
from verme.rounds.models import Round, Theme, TimeSlot


@dataclass(frozen=True)
class MentorData:
    """What the coordinator's one form says about a mentor and their part in a round."""

    name: str
    email: str
    languages: list[str]
    unit: Unit | None = None
    language: str = "fi"
    capacity: int = 1
    slots: list[TimeSlot] = field(default_factory=list)
    themes: list[Theme] = field(default_factory=list)
    user: User | None = None


def _snapshot(round_mentor: RoundMentor) -> dict[str, Any]:
    mentor = round_mentor.mentor
    return {
        "name": mentor.name,
        "email": mentor.email,
        "languages": list(mentor.languages),
        "unit": mentor.unit_id,
        "capacity": round_mentor.capacity,
        "slots": sorted(s.pk for s in round_mentor.slots.all()),
        "themes": sorted(t.pk for t in round_mentor.themes.all()),
    }


@transaction.atomic
def round_mentor_save(
    *,
    actor: User | None,
    round_: Round,
    data: MentorData,
    round_mentor: RoundMentor | None = None,
) -> RoundMentor:
    """Add a mentor to a round, or change one: the organisation's mentor record (found by e-mail)
    and the round's capacity, weekly times and themes are saved together."""
    organisation = round_.organisation
    email = data.email.strip().lower()
    before = _snapshot(round_mentor) if round_mentor else None
    if round_mentor is not None:
        mentor = round_mentor.mentor
    else:
        mentor = Mentor.objects.for_organisation(organisation).filter(
            email=email
        ).first() or Mentor(organisation=organisation)
    mentor.name = data.name.strip()
    mentor.email = email
    mentor.unit = data.unit
    mentor.languages = list(data.languages)
    mentor.language = data.language
    if data.user is not None:
        mentor.user = data.user
    mentor.full_clean()
    mentor.save()
    if round_mentor is None:
        existing = (
            RoundMentor.objects.for_organisation(organisation)
            .filter(round=round_, mentor=mentor)
            .first()
        )
        if existing is not None:
            raise ValidationError({"email": _("This mentor is in the round already.")})
        round_mentor = RoundMentor(round=round_, mentor=mentor)
    round_mentor.capacity = data.capacity
    if any(s.round_id != round_.pk for s in data.slots) or any(
        t.round_id != round_.pk for t in data.themes
    ):
        raise ValidationError(_("Choose times and themes of this round."))
    if not data.slots:
        raise ValidationError({"slots": _("Tick at least one time when the mentor can meet.")})
    round_mentor.full_clean(validate_constraints=False)  # checked above, within the organisation
    round_mentor.save()
    round_mentor.slots.set(data.slots)
    round_mentor.themes.set(data.themes)
    audit_record(
        actor=actor,
        organisation=organisation,
        action="mentor.update" if before else "mentor.add",
        obj=round_mentor,
        before=before,
        after=_snapshot(round_mentor),
    )
    return round_mentor


@transaction.atomic
def round_mentor_remove(*, actor: User | None, round_mentor: RoundMentor) -> None:
    """Take a mentor out of a round; the organisation keeps the mentor's record for later rounds."""
    before = _snapshot(round_mentor)
    audit_record(
        actor=actor,
        organisation=round_mentor.round.organisation,
        action="mentor.remove",
        obj=round_mentor,
        before=before,
    )
    round_mentor.delete()

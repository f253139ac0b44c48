from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.template.defaultfilters import yesno
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from verme.exports import Cell
from verme.registrations.models import Registration
from verme.rounds.models import GroupKind, Round


class RegistrationExport:
    """A round's registrations, one row each, with column names in the reader's language."""

    def __init__(self, *, round_: Round, registrations: Sequence[Registration]) -> None:
        self.round = round_
        self.registrations = registrations
        self.filename = slugify(f"{_('registrations')} {round_.school_year}")

    def headers(self) -> list[str]:
        return [
            _("First name"),
            _("Last name"),
            _("Work e-mail"),
            _("Status"),
            _("Job title"),
            _("Unit"),
            _("School level"),
            _("Subjects or field"),
            _("Years in the profession"),
            _("New or returning?"),
            _("Theme, 1st choice"),
            _("Theme, 2nd choice"),
            _("Theme, 3rd choice"),
            _("Preferred group kinds"),
            _("Language of the group"),
            _("Accepts an online group"),
            _("When could you meet?"),
            _("Keep me together with"),
            _("Needs or wishes"),
            _("Language of e-mails"),
            _("Registered"),
        ]

    def rows(self) -> Iterable[list[Cell]]:
        for r in self.registrations:
            themes = [str(t) if t else "" for t in (r.theme_1, r.theme_2, r.theme_3)]
            yield [
                r.first_name,
                r.last_name,
                r.email,
                r.get_status_display(),
                r.get_job_title_display(),
                r.unit.name if r.unit else "",
                r.get_school_level_display(),
                r.subjects,
                r.years_in_profession,
                r.get_career_stage_display(),
                *themes,
                "; ".join(str(GroupKind(k).label) for k in r.group_kinds),
                r.get_group_language_display(),
                str(yesno(r.accepts_online)),
                "; ".join(str(slot) for slot in r.available_slots.all()),
                r.keep_together_with,
                r.needs,
                r.language,
                timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M"),
            ]

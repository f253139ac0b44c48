from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from verme.i18n import TranslatedTextFormField
from verme.rounds.models import (
    GroupKind,
    GroupLanguage,
    Month,
    Round,
    Weekday,
    validate_school_year,
)
from verme.rounds.services import RoundData, SlotGrid, ThemeInput

TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


class DateInput(forms.DateInput):
    input_type = "date"


def _number(label: str, *, minimum: int, maximum: int, required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=minimum, max_value=maximum, required=required)


class RoundForm(forms.Form):
    """A round's settings and its weekly slots as weekdays × start times."""

    name = TranslatedTextFormField(label=_("Name"))
    school_year = forms.CharField(
        label=_("School year"), max_length=9, help_text=_("For example 2026–2027.")
    )
    signup_opens_on = forms.DateField(label=_("Sign-up opens"), widget=DateInput)
    signup_closes_on = forms.DateField(
        label=_("Sign-up closes"),
        widget=DateInput,
        help_text=_("The last day on which people can sign up."),
    )
    group_kinds = forms.MultipleChoiceField(
        label=_("Group kinds offered"),
        choices=GroupKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages of the groups"),
        choices=GroupLanguage.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    meetings_count = _number(str(_("Meetings in the year")), minimum=1, maximum=20)
    meeting_minutes = _number(str(_("Length of a meeting in minutes")), minimum=15, maximum=480)
    meetings_from_month = forms.TypedChoiceField(
        label=_("Meetings start in"), choices=Month.choices, coerce=int
    )
    meetings_until_month = forms.TypedChoiceField(
        label=_("Meetings end in"), choices=Month.choices, coerce=int
    )
    group_min = _number(str(_("Smallest group")), minimum=2, maximum=30)
    group_target = _number(str(_("Typical group")), minimum=2, maximum=30)
    group_max = _number(str(_("Largest group")), minimum=2, maximum=30)
    capacity = forms.IntegerField(
        label=_("Places"),
        min_value=1,
        required=False,
        help_text=_("Leave empty for no limit. Beyond it, people go to the waiting list."),
    )
    min_slots = _number(str(_("Times each person must tick at least")), minimum=1, maximum=20)
    slot_weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays on which groups can meet"),
        choices=Weekday.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    slot_times = forms.CharField(
        label=_("Start times"),
        help_text=_("Separate the times with commas, for example 14:00, 15:30, 17:00."),
    )
    slot_minutes = _number(str(_("Length of a time slot in minutes")), minimum=15, maximum=480)

    @classmethod
    def initial_for(cls, data: RoundData, grid: SlotGrid) -> dict[str, Any]:
        initial: dict[str, Any] = {key: value for key, value in vars(data).items()}
        initial["slot_weekdays"] = list(grid.weekdays)
        initial["slot_times"] = ", ".join(t.strftime("%H:%M") for t in grid.times)
        initial["slot_minutes"] = grid.minutes
        return initial

    def clean_school_year(self) -> str:
        value: str = self.cleaned_data["school_year"].strip().replace("-", "–")
        validate_school_year(value)
        return value

    def clean_slot_times(self) -> list[datetime.time]:
        times = []
        for part in self.cleaned_data["slot_times"].split(","):
            match = TIME.match(part.strip())
            if match is None:
                raise ValidationError(
                    _("“%(value)s” is not a time. Write times like 14:00."),
                    params={"value": part.strip()},
                )
            times.append(datetime.time(int(match.group(1)), int(match.group(2))))
        return sorted(set(times))

    def round_data(self) -> RoundData:
        data = self.cleaned_data
        return RoundData(
            **{
                key: data[key]
                for key in RoundData.__dataclass_fields__
                if key in data and key not in {"group_kinds", "languages"}
            },
            group_kinds=list(data["group_kinds"]),
            languages=list(data["languages"]),
        )

    def slot_grid(self) -> SlotGrid:
        data = self.cleaned_data
        return SlotGrid(
            weekdays=tuple(sorted(data["slot_weekdays"])),
            times=tuple(data["slot_times"]),
            minutes=data["slot_minutes"],
        )


class CopyRoundForm(forms.Form):
    school_year = forms.CharField(
        label=_("School year of the new round"),
        max_length=9,
        help_text=_("For example 2027–2028."),
    )

    def __init__(self, *args: Any, source: Round, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        start = int(source.school_year[:4]) + 1
        self.fields["school_year"].initial = f"{start}–{start + 1}"

    def clean_school_year(self) -> str:
        value: str = self.cleaned_data["school_year"].strip().replace("-", "–")
        validate_school_year(value)
        return value


class ThemeForm(forms.Form):
    theme_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = TranslatedTextFormField(label=_("Theme"), required=False)
    remove = forms.BooleanField(label=_("Remove this theme"), required=False)

    def theme_input(self) -> ThemeInput:
        data = self.cleaned_data
        return ThemeInput(
            name=data.get("name") or {},
            theme_id=data.get("theme_id"),
            remove=bool(data.get("remove")),
        )


ThemeFormSet = forms.formset_factory(ThemeForm, extra=3, max_num=40, validate_max=True)

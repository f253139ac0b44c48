from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from verme.organisations.models import Unit
from verme.organisations.selectors import organisation_units
from verme.registrations.importing import REQUIRED_TARGETS, TARGETS
from verme.registrations.models import (
    CareerStage,
    JobTitle,
    LanguageWish,
    Registration,
    SchoolLevel,
)
from verme.registrations.validation import RegistrationData
from verme.rounds.models import GroupKind, Round, Theme, TimeSlot
from verme.rounds.selectors import SlotTable, slot_table

EMPTY = [("", _("Choose…"))]


class ThemeChoice(forms.ModelChoiceField[Theme]):
    def label_from_instance(self, obj: Theme) -> str:
        return str(obj)


class SignupForm(forms.Form):
    """The public sign-up form; the same form edits a registration through the private link."""

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(
        label=_("Work e-mail"),
        help_text=_("We send the confirmation and your private link here."),
    )
    job_title = forms.ChoiceField(label=_("Job title"), choices=EMPTY + JobTitle.choices)
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=None,
        required=False,
        empty_label=_("Choose…"),
        help_text=_("Your school, day-care centre or campus. Student teachers may leave it empty."),
    )
    school_level = forms.ChoiceField(label=_("School level"), choices=EMPTY + SchoolLevel.choices)
    subjects = forms.CharField(
        label=_("Subjects or field"),
        max_length=200,
        required=False,
        help_text=_("For example mathematics and physics, or social and health care."),
    )
    years_in_profession = forms.IntegerField(
        label=_("Years in the profession"), min_value=0, max_value=60
    )
    career_stage = forms.ChoiceField(
        label=_("New or returning?"), choices=CareerStage.choices, widget=forms.RadioSelect
    )
    theme_1 = ThemeChoice(label=_("Theme, 1st choice"), queryset=None, empty_label=_("Choose…"))
    theme_2 = ThemeChoice(
        label=_("Theme, 2nd choice"), queryset=None, required=False, empty_label=_("No choice")
    )
    theme_3 = ThemeChoice(
        label=_("Theme, 3rd choice"), queryset=None, required=False, empty_label=_("No choice")
    )
    group_kinds = forms.MultipleChoiceField(
        label=_("Preferred group kinds"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    group_language = forms.ChoiceField(label=_("Language of the group"), widget=forms.RadioSelect)
    accepts_online = forms.BooleanField(
        label=_("I can also take part in a group that meets online"),
        required=False,
        help_text=_(
            "Tick this if a group that meets online, for example on a video call, suits you as "
            "well as one that meets in person. An online group can bring together people from "
            "further away."
        ),
    )
    availability = forms.MultipleChoiceField(label=_("When could you meet?"))
    keep_together_with = forms.EmailField(
        label=_("Keep me together with"),
        required=False,
        help_text=_("A colleague's work e-mail, if you would like to be in the same group."),
    )
    needs = forms.CharField(
        label=_("Needs or wishes"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example accessibility needs, or anything the coordinator should know."),
    )
    consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree that my data is used to form groups."),
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(
        self,
        *args: Any,
        round_: Round,
        themes: list[Theme],
        slots: list[TimeSlot],
        email_locked: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.round = round_
        self.slots = {str(slot.pk): slot for slot in slots}
        self.grid: SlotTable = slot_table(slots=slots)
        organisation = round_.organisation
        unit_field = cast("forms.ModelChoiceField[Unit]", self.fields["unit"])
        unit_field.queryset = organisation_units(organisation=organisation)
        theme_ids = [theme.pk for theme in themes]
        for name in ("theme_1", "theme_2", "theme_3"):
            field = cast("forms.ModelChoiceField[Theme]", self.fields[name])
            field.queryset = Theme.objects.for_organisation(organisation).filter(pk__in=theme_ids)
        kinds = cast(forms.MultipleChoiceField, self.fields["group_kinds"])
        kinds.choices = [(k, GroupKind(k).label) for k in round_.group_kinds]
        language = cast(forms.ChoiceField, self.fields["group_language"])
        offered = [(code, LanguageWish(code).label) for code in round_.languages]
        if len(offered) > 1:
            offered.append((LanguageWish.EITHER.value, LanguageWish.EITHER.label))
        language.choices = offered
        if len(offered) == 1:
            language.initial = offered[0][0]
        availability = cast(forms.MultipleChoiceField, self.fields["availability"])
        availability.choices = [(key, str(slot)) for key, slot in self.slots.items()]
        availability.help_text = _(
            "Tick every weekly time that suits you, at least %(count)d. "
            "The more you tick, the easier it is to find you a group."
        ) % {"count": round_.min_slots}
        if email_locked:
            self.fields["email"].disabled = True
            self.fields["email"].help_text = _("To use another address, cancel and sign up again.")
            del self.fields["consent"]

    @property
    def selected_slots(self) -> set[str]:
        value = self["availability"].value() or []
        return {str(v) for v in value}

    def clean_website(self) -> str:
        value: str = self.cleaned_data.get("website", "")
        if value:
            raise ValidationError(_("Leave this field empty."), code="honeypot")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = [data.get(name) for name in ("theme_1", "theme_2", "theme_3")]
        picked = [theme for theme in chosen if theme is not None]
        if len({t.pk for t in picked}) != len(picked):
            self.add_error("theme_2", _("Choose a different theme for each choice."))
        if data.get("theme_3") is not None and data.get("theme_2") is None:
            self.add_error("theme_2", _("Choose the 2nd choice before the 3rd."))
        if (
            data.get("unit") is None
            and data.get("job_title")
            and data.get("job_title") != JobTitle.STUDENT_TEACHER
        ):
            self.add_error("unit", _("Choose your unit."))
        if "availability" in data and len(data["availability"]) < self.round.min_slots:
            self.add_error(
                "availability",
                _("Tick at least %(count)d times when you could meet.")
                % {"count": self.round.min_slots},
            )
        return data

    def registration_data(self) -> RegistrationData:
        data = self.cleaned_data
        themes = [data[n] for n in ("theme_1", "theme_2", "theme_3") if data.get(n) is not None]
        return RegistrationData(
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            job_title=data["job_title"],
            unit=data["unit"],
            school_level=data["school_level"],
            subjects=data["subjects"],
            years_in_profession=data["years_in_profession"],
            career_stage=data["career_stage"],
            themes=themes,
            group_kinds=list(data["group_kinds"]),
            group_language=data["group_language"],
            accepts_online=data["accepts_online"],
            slots=[self.slots[key] for key in data["availability"]],
            keep_together_with=data["keep_together_with"],
            needs=data["needs"],
        )

    @staticmethod
    def initial_from(registration: Registration, slot_ids: list[int]) -> dict[str, Any]:
        return {
            "first_name": registration.first_name,
            "last_name": registration.last_name,
            "email": registration.email,
            "job_title": registration.job_title,
            "unit": registration.unit_id,
            "school_level": registration.school_level,
            "subjects": registration.subjects,
            "years_in_profession": registration.years_in_profession,
            "career_stage": registration.career_stage,
            "theme_1": registration.theme_1_id,
            "theme_2": registration.theme_2_id,
            "theme_3": registration.theme_3_id,
            "group_kinds": registration.group_kinds,
            "group_language": registration.group_language,
            "accepts_online": registration.accepts_online,
            "availability": [str(pk) for pk in slot_ids],
            "keep_together_with": registration.keep_together_with,
            "needs": registration.needs,
        }


class FilterForm(forms.Form):
    """The coordinator's search and filters over a round's registrations (sent with GET)."""

    q = forms.CharField(label=_("Search by name or e-mail"), required=False)
    unit = forms.TypedChoiceField(label=_("Unit"), required=False, coerce=int, empty_value=None)
    job_title = forms.ChoiceField(
        label=_("Job title"), required=False, choices=[("", _("All"))] + JobTitle.choices
    )
    theme = forms.TypedChoiceField(label=_("Theme"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label=_("Group kind"), required=False)
    language = forms.ChoiceField(
        label=_("Language of the group"),
        required=False,
        choices=[("", _("All"))] + LanguageWish.choices,
    )
    online = forms.ChoiceField(
        label=_("Online group"),
        required=False,
        choices=[
            ("", _("All")),
            ("yes", _("accepts an online group")),
            ("no", _("in person only")),
        ],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All but cancelled"))] + Registration.Status.choices,
    )

    def __init__(self, *args: Any, round_: Round, themes: list[Theme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        all_label = str(_("All"))
        unit = cast(forms.TypedChoiceField, self.fields["unit"])
        unit.choices = [("", all_label)] + [
            (u.pk, u.name) for u in organisation_units(organisation=round_.organisation)
        ]
        theme = cast(forms.TypedChoiceField, self.fields["theme"])
        theme.choices = [("", all_label)] + [(t.pk, str(t)) for t in themes]
        kind = cast(forms.ChoiceField, self.fields["kind"])
        kind.choices = [("", all_label)] + [(k, GroupKind(k).label) for k in round_.group_kinds]


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("A CSV (UTF-8) or XLSX file whose first row names the columns, at most 2 MB."),
    )


class MappingForm(forms.Form):
    """Which column of the file fills which field of a registration."""

    def __init__(self, *args: Any, headers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("— not in the file —"))] + [
            (str(index), header or f"#{index + 1}") for index, header in enumerate(headers)
        ]
        for target, label in TARGETS.items():
            self.fields[target] = forms.TypedChoiceField(
                label=label,
                choices=choices,
                coerce=int,
                empty_value=None,
                required=target in REQUIRED_TARGETS,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        used: dict[int, str] = {}
        for target, index in list(data.items()):
            if target not in TARGETS or index is None:
                continue
            if index in used:
                self.add_error(target, _("This column is already used for another field."))
            used[index] = target
        return data

    def mapping(self) -> dict[str, int]:
        return {t: i for t, i in self.cleaned_data.items() if i is not None}


class ImportConfirmForm(MappingForm):
    notify = forms.BooleanField(
        label=_("Send each person a confirmation e-mail with their private link"),
        required=False,
        initial=True,
    )

    def mapping(self) -> dict[str, int]:
        return {t: i for t, i in self.cleaned_data.items() if t in TARGETS and i is not None}

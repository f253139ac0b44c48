from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from verme.mentors.models import RoundMentor
from verme.mentors.services import MentorData
from verme.organisations.models import Unit
from verme.rounds.models import GroupLanguage, Theme, TimeSlot


class MentorForm(forms.Form):
    """One form for the mentor's record and their part in the round."""

    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"))
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Groups that meet in person are formed within the region of this unit."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages of the groups the mentor can lead"),
        choices=GroupLanguage.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    language = forms.ChoiceField(label=_("Language of e-mails"), choices=settings.LANGUAGES)
    capacity = forms.TypedChoiceField(
        label=_("Groups to lead this round"),
        choices=[(1, "1"), (2, "2")],
        coerce=int,
        widget=forms.RadioSelect,
    )
    slots = forms.ModelMultipleChoiceField(
        label=_("Weekly times when the mentor can meet"),
        queryset=TimeSlot.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes the mentor would like to lead"),
        queryset=Theme.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        units: Any,
        slots: Any,
        themes: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        unit_field: Any = self.fields["unit"]
        unit_field.queryset = units
        slot_field: Any = self.fields["slots"]
        slot_field.queryset = slots
        theme_field: Any = self.fields["themes"]
        theme_field.queryset = themes

    @staticmethod
    def initial_for(round_mentor: RoundMentor) -> dict[str, Any]:
        mentor = round_mentor.mentor
        return {
            "name": mentor.name,
            "email": mentor.email,
            "unit": mentor.unit_id,
            "languages": mentor.languages,
            "language": mentor.language,
            "capacity": round_mentor.capacity,
            "slots": [s.pk for s in round_mentor.slots.all()],
            "themes": [t.pk for t in round_mentor.themes.all()],
        }

    def mentor_data(self) -> MentorData:
        data = self.cleaned_data
        return MentorData(
            name=data["name"],
            email=data["email"],
            unit=data["unit"],
            languages=list(data["languages"]),
            language=data["language"],
            capacity=data["capacity"],
            slots=list(data["slots"]),
            themes=list(data["themes"]),
        )

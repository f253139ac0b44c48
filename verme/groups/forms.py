from __future__ import annotations

import dataclasses
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from verme.grouping import Weights
from verme.grouping.exchange import weights_from_dict

DEFAULTS = Weights()


def _weight(label: Any, help_text: Any) -> forms.FloatField:
    return forms.FloatField(label=label, help_text=help_text, min_value=0, max_value=1000)


class WeightsForm(forms.Form):
    """The coordinator's emphasis on each soft criterion, in penalty points, and the time limit."""

    unassigned = _weight(
        _("Leaving a person without a group"), _("Points lost for each person not placed.")
    )
    second_choice = _weight(_("Second choice of theme"), _("Penalty per person."))
    third_choice = _weight(_("Third choice of theme"), _("Penalty per person."))
    no_wish = _weight(_("A theme the person did not list"), _("Penalty per person."))
    unit_share = _weight(
        _("Many from one unit"),
        _("Penalty per member beyond half of the group coming from one unit."),
    )
    lone_novice = _weight(_("A single novice in a group"), _("Penalty per group."))
    no_experienced = _weight(_("No experienced member in a group"), _("Penalty per group."))
    mentor_theme = _weight(_("A theme the mentor did not choose"), _("Penalty per group."))
    size = _weight(
        _("Distance from the typical group size"), _("Penalty per member of difference.")
    )
    time_limit_s = forms.IntegerField(
        label=_("Time limit in seconds"),
        min_value=1,
        max_value=600,
        help_text=_("The optimiser stops at the limit with the best groups found so far."),
    )

    @classmethod
    def initial_for(cls, weights: Weights, time_limit_s: int = 30) -> dict[str, Any]:
        ranks = list(weights.theme_rank) + [weights.theme_rank[-1]] * 3
        return {
            "unassigned": weights.unassigned,
            "second_choice": ranks[1],
            "third_choice": ranks[2],
            "no_wish": weights.no_wish,
            "unit_share": weights.unit_share,
            "lone_novice": weights.lone_novice,
            "no_experienced": weights.no_experienced,
            "mentor_theme": weights.mentor_theme,
            "size": weights.size,
            "time_limit_s": time_limit_s,
        }

    @classmethod
    def initial_from(cls, stored: dict[str, Any], time_limit_s: int) -> dict[str, Any]:
        return cls.initial_for(weights_from_dict(stored or {}), time_limit_s)

    def weights(self) -> Weights:
        data = self.cleaned_data
        return dataclasses.replace(
            DEFAULTS,
            unassigned=data["unassigned"],
            theme_rank=(0.0, data["second_choice"], data["third_choice"]),
            no_wish=data["no_wish"],
            unit_share=data["unit_share"],
            lone_novice=data["lone_novice"],
            no_experienced=data["no_experienced"],
            mentor_theme=data["mentor_theme"],
            size=data["size"],
        )


class MoveForm(forms.Form):
    participant = forms.CharField(max_length=40)
    group = forms.CharField(max_length=40, required=False)


class PinForm(forms.Form):
    participant = forms.CharField(max_length=40, required=False)
    group = forms.CharField(max_length=40, required=False)
    pinned = forms.BooleanField(required=False)

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from verme.organisations.models import Organisation, Unit
from verme.organisations.tenancy import TenantManager, TenantOwned
from verme.rounds.models import GroupLanguage, Round, Theme, TimeSlot


def _validate_languages(value: object) -> None:
    if not isinstance(value, list) or not value or not set(value) <= set(GroupLanguage.values):
        raise ValidationError(_("Choose Finnish, Swedish or both."))


def _default_languages() -> list[str]:
    return [GroupLanguage.FINNISH.value]


class Mentor(TenantOwned):
    """A trained Verme mentor of an organisation; groups are led in the mentor's languages."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="mentors",
        verbose_name=_("organisation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentor_records",
        verbose_name=_("account"),
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentors",
        verbose_name=_("unit"),
    )
    languages = models.JSONField(
        _("languages of the groups"), default=_default_languages, validators=[_validate_languages]
    )
    language = models.CharField(
        _("language of e-mails"), max_length=8, choices=settings.LANGUAGES, default="fi"
    )

    objects = TenantManager["Mentor"]()

    class Meta:
        verbose_name = _("mentor")
        verbose_name_plural = _("mentors")
        ordering = ("organisation", "name", "pk")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "email"], name="mentor_unique_email")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def region(self) -> str:
        """Groups that meet in person are formed within the region of the mentor's unit."""
        return self.unit.region if self.unit is not None else ""

    def clean(self) -> None:
        self.email = (self.email or "").strip().lower()
        if self.unit is not None and self.unit.organisation_id != self.organisation_id:
            raise ValidationError({"unit": _("Choose a unit from the list.")})


class RoundMentor(TenantOwned):
    """A mentor's part in one round: how many groups, at which weekly times, on which themes."""

    tenant_path = "round__organisation"

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="round_mentors", verbose_name=_("round")
    )
    mentor = models.ForeignKey(
        Mentor, on_delete=models.CASCADE, related_name="rounds", verbose_name=_("mentor")
    )
    capacity = models.PositiveSmallIntegerField(
        _("groups to lead"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(2)],
    )
    slots = models.ManyToManyField(
        TimeSlot, related_name="round_mentors", verbose_name=_("available times")
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="round_mentors", verbose_name=_("themes")
    )

    objects = TenantManager["RoundMentor"]()

    class Meta:
        verbose_name = _("mentor of a round")
        verbose_name_plural = _("mentors of a round")
        ordering = ("round", "mentor__name", "pk")
        constraints = [
            models.UniqueConstraint(fields=["round", "mentor"], name="roundmentor_unique_mentor")
        ]

    def __str__(self) -> str:
        return f"{self.mentor} · {self.round}"

    def clean(self) -> None:
        if (
            self.round_id is not None
            and self.mentor_id is not None
            and self.mentor.organisation_id != self.round.organisation_id
        ):
            raise ValidationError({"mentor": _("The mentor belongs to another organisation.")})

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from verme.i18n import TranslatedTextField, translated
from verme.organisations.models import Organisation
from verme.organisations.tenancy import TenantManager, TenantOwned

SCHOOL_YEAR = re.compile(r"^(\d{4})[–-](\d{4})$")


class GroupKind(models.TextChoices):
    """What a group is formed around; the last four are presets seen in practice."""

    SUBJECT = "subject", _("subject group")
    FIELD = "field", _("field of education group")
    LEVEL = "level", _("school level group")
    THEME = "theme", _("theme group")
    K55 = "k55", _("K55: staff with long careers")
    REKSIVERME = "reksiverme", _("Reksiverme: principals")
    STUDENT_TEACHERS = "student_teachers", _("student teachers with teachers")
    MULTIPROFESSIONAL = "multiprofessional", _("multiprofessional group")


class GroupLanguage(models.TextChoices):
    FINNISH = "fi", _("Finnish")
    SWEDISH = "sv", _("Swedish")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Month(models.IntegerChoices):
    JANUARY = 1, _("January")
    FEBRUARY = 2, _("February")
    MARCH = 3, _("March")
    APRIL = 4, _("April")
    MAY = 5, _("May")
    JUNE = 6, _("June")
    JULY = 7, _("July")
    AUGUST = 8, _("August")
    SEPTEMBER = 9, _("September")
    OCTOBER = 10, _("October")
    NOVEMBER = 11, _("November")
    DECEMBER = 12, _("December")


def _default_group_kinds() -> list[str]:
    return [GroupKind.SUBJECT, GroupKind.LEVEL, GroupKind.THEME]


def _default_languages() -> list[str]:
    return [GroupLanguage.FINNISH]


def _validate_group_kinds(value: object) -> None:
    if not isinstance(value, list) or not value or not set(value) <= set(GroupKind.values):
        raise ValidationError(_("Choose at least one group kind."))


def _validate_languages(value: object) -> None:
    if not isinstance(value, list) or not value or not set(value) <= set(GroupLanguage.values):
        raise ValidationError(_("Choose Finnish, Swedish or both."))


def validate_school_year(value: str) -> None:
    match = SCHOOL_YEAR.match(value)
    if match is None or int(match.group(2)) != int(match.group(1)) + 1:
        raise ValidationError(_("Write the school year as two consecutive years, e.g. 2026–2027."))


class Round(TenantOwned):
    """One school year's programme of an organisation: sign-up, then groups, meetings, credit."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="rounds",
        verbose_name=_("organisation"),
    )
    name = TranslatedTextField(_("name"))
    school_year = models.CharField(
        _("school year"), max_length=9, validators=[validate_school_year]
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    signup_opens_on = models.DateField(_("sign-up opens"))
    signup_closes_on = models.DateField(
        _("sign-up closes"), help_text=_("The last day on which people can sign up.")
    )
    group_kinds = models.JSONField(
        _("group kinds offered"), default=_default_group_kinds, validators=[_validate_group_kinds]
    )
    languages = models.JSONField(
        _("languages of the groups"), default=_default_languages, validators=[_validate_languages]
    )
    meetings_count = models.PositiveSmallIntegerField(
        _("meetings"), default=6, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    meeting_minutes = models.PositiveSmallIntegerField(
        _("length of a meeting in minutes"),
        default=90,
        validators=[MinValueValidator(15), MaxValueValidator(480)],
    )
    meetings_from_month = models.PositiveSmallIntegerField(
        _("meetings start in"), choices=Month.choices, default=Month.SEPTEMBER
    )
    meetings_until_month = models.PositiveSmallIntegerField(
        _("meetings end in"), choices=Month.choices, default=Month.MAY
    )
    group_min = models.PositiveSmallIntegerField(
        _("smallest group"), default=4, validators=[MinValueValidator(2)]
    )
    group_target = models.PositiveSmallIntegerField(_("typical group"), default=7)
    group_max = models.PositiveSmallIntegerField(
        _("largest group"), default=10, validators=[MaxValueValidator(30)]
    )
    capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        help_text=_("Leave empty for no limit. Beyond it, people go to the waiting list."),
    )
    min_slots = models.PositiveSmallIntegerField(
        _("time slots each person must tick at least"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TenantManager["Round"]()

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ("organisation", "-school_year", "-pk")

    def __str__(self) -> str:
        return f"{self.organisation.text(self.name)} {self.school_year}"

    @property
    def display_name(self) -> str:
        return self.organisation.text(self.name)

    def clean(self) -> None:
        errors: dict[str, object] = {}
        opens, closes = self.signup_opens_on, self.signup_closes_on
        if opens and closes and closes < opens:
            errors["signup_closes_on"] = _("Sign-up cannot close before it opens.")
        if not self.group_min <= self.group_target <= self.group_max:
            errors["group_target"] = _(
                "The typical group size must lie between the smallest and the largest."
            )
        if errors:
            raise ValidationError(errors)

    def accepts_signups(self, today: datetime.date | None = None) -> bool:
        """Open, and between the first and the last day of sign-up."""
        today = today or timezone.localdate()
        return (
            self.status == self.Status.OPEN
            and self.signup_opens_on <= today <= self.signup_closes_on
        )

    def signup_closed(self, today: datetime.date | None = None) -> bool:
        """Closed by the coordinator or past the last day: new sign-ups join the waiting list."""
        today = today or timezone.localdate()
        return self.status == self.Status.CLOSED or today > self.signup_closes_on

    def signup_form_shown(self, today: datetime.date | None = None) -> bool:
        """The public form is shown once the round is open, and stays for the waiting list."""
        today = today or timezone.localdate()
        return self.status != self.Status.DRAFT and today >= self.signup_opens_on


class TimeSlot(TenantOwned):
    """A weekly time in which groups of the round can meet; availability is ticked against it."""

    tenant_path = "round__organisation"

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="slots", verbose_name=_("round")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts_at = models.TimeField(_("starts at"))
    minutes = models.PositiveSmallIntegerField(_("length in minutes"), default=90)

    objects = TenantManager["TimeSlot"]()

    class Meta:
        verbose_name = _("time slot")
        verbose_name_plural = _("time slots")
        ordering = ("round", "weekday", "starts_at")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "weekday", "starts_at"], name="timeslot_unique_time"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.time_label}"

    @property
    def time_label(self) -> str:
        return self.starts_at.strftime("%H:%M")


class Theme(TenantOwned):
    """A theme offered in a round; registrants rank them, groups may form around one."""

    tenant_path = "round__organisation"

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="themes", verbose_name=_("round")
    )
    name = TranslatedTextField(_("name"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = TenantManager["Theme"]()

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ("round", "position", "pk")

    def __str__(self) -> str:
        return translated(self.name)

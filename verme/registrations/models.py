from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from verme.organisations.models import Organisation, Unit
from verme.organisations.tenancy import TenantManager, TenantOwned
from verme.rounds.models import GroupKind, Round, Theme, TimeSlot


def new_token() -> str:
    """The secret of a registrant's private link: unguessable, never the primary key."""
    return secrets.token_urlsafe(32)


def normalise_email(value: str) -> str:
    return value.strip().lower()


class JobTitle(models.TextChoices):
    TEACHER = "teacher", _("teacher")
    SPECIAL_NEEDS_TEACHER = "special_needs_teacher", _("special-needs teacher")
    SCHOOL_ASSISTANT = "school_assistant", _("school assistant")
    PRINCIPAL = "principal", _("principal")
    EARLY_CHILDHOOD_TEACHER = "early_childhood_teacher", _("early childhood teacher")
    STUDENT_TEACHER = "student_teacher", _("student teacher")
    OTHER_STAFF = "other_staff", _("other staff")


class SchoolLevel(models.TextChoices):
    EARLY_CHILDHOOD = "early_childhood", _("early childhood education")
    PRIMARY = "primary", _("primary school (grades 1–6)")
    LOWER_SECONDARY = "lower_secondary", _("lower secondary school (grades 7–9)")
    UPPER_SECONDARY = "upper_secondary", _("general upper secondary school")
    VOCATIONAL = "vocational", _("vocational education")
    OTHER = "other", _("other")


class CareerStage(models.TextChoices):
    NEW = "new", _("new to the profession")
    RETURNING = "returning", _("returning after a break")
    EXPERIENCED = "experienced", _("neither: I have worked without a long break")


class LanguageWish(models.TextChoices):
    FINNISH = "fi", _("Finnish")
    SWEDISH = "sv", _("Swedish")
    EITHER = "either", _("either")


def _validate_group_kinds(value: object) -> None:
    if not isinstance(value, list) or not set(value) <= set(GroupKind.values):
        raise ValidationError(_("Choose group kinds from the list."))


class Registration(TenantOwned):
    """One person's sign-up for one round; one per e-mail address and round."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("registered")
        WAITING = "waiting", _("on the waiting list")
        CANCELLED = "cancelled", _("cancelled")

    class Source(models.TextChoices):
        FORM = "form", _("sign-up form")
        IMPORT = "import", _("import")
        DEMO = "demo", _("demo data")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("organisation"),
    )
    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("round")
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("account"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REGISTERED
    )
    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.FORM
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("work e-mail"))
    job_title = models.CharField(_("job title"), max_length=32, choices=JobTitle.choices)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("unit"),
    )
    school_level = models.CharField(_("school level"), max_length=32, choices=SchoolLevel.choices)
    subjects = models.CharField(_("subjects or field"), max_length=200, blank=True)
    years_in_profession = models.PositiveSmallIntegerField(
        _("years in the profession"), validators=[MaxValueValidator(60)]
    )
    career_stage = models.CharField(
        _("new or returning"), max_length=16, choices=CareerStage.choices
    )
    theme_1 = models.ForeignKey(
        Theme,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("1st choice of theme"),
    )
    theme_2 = models.ForeignKey(
        Theme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("2nd choice of theme"),
    )
    theme_3 = models.ForeignKey(
        Theme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("3rd choice of theme"),
    )
    group_kinds = models.JSONField(
        _("preferred group kinds"), default=list, blank=True, validators=[_validate_group_kinds]
    )
    group_language = models.CharField(
        _("language of the group"), max_length=8, choices=LanguageWish.choices
    )
    available_slots = models.ManyToManyField(
        TimeSlot, related_name="registrations", verbose_name=_("available times")
    )
    accepts_online = models.BooleanField(
        _("accepts an online group"),
        default=False,
        help_text=_("The person can also take part in a group that meets online."),
    )
    keep_together_with = models.EmailField(_("keep me together with"), blank=True)
    needs = models.TextField(_("needs"), max_length=2000, blank=True)
    language = models.CharField(
        _("language of e-mails"), max_length=8, choices=settings.LANGUAGES, default="fi"
    )
    consented_at = models.DateTimeField(_("consent given"))
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TenantManager["Registration"]()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ("round", "last_name", "first_name", "pk")
        constraints = [
            models.UniqueConstraint(fields=["round", "email"], name="registration_unique_email")
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} <{self.email}>"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def themes(self) -> list[Theme]:
        return [t for t in (self.theme_1, self.theme_2, self.theme_3) if t is not None]

    def clean(self) -> None:
        self.email = normalise_email(self.email or "")
        errors: dict[str, ValidationError] = {}
        if self.round_id is not None and self.round.organisation_id != self.organisation_id:
            errors["round"] = ValidationError(_("The round belongs to another organisation."))
        if self.unit is not None and self.unit.organisation_id != self.organisation_id:
            errors["unit"] = ValidationError(_("Choose a unit from the list."))
        if self.unit is None and self.job_title != JobTitle.STUDENT_TEACHER:
            errors["unit"] = ValidationError(_("Choose your unit."))
        if self.theme_1_id is None:
            errors["theme_1"] = ValidationError(_("Choose at least your first choice of theme."))
        themes = [t for t in (self.theme_1, self.theme_2, self.theme_3) if t is not None]
        if any(t.round_id != self.round_id for t in themes):
            errors["theme_1"] = ValidationError(_("Choose themes from the list."))
        elif len({t.pk for t in themes}) != len(themes):
            errors["theme_2"] = ValidationError(_("Choose a different theme for each choice."))
        if self.round_id is not None:
            offered = self.round.languages
            allowed = offered + ([LanguageWish.EITHER] if len(offered) > 1 else [])
            if self.group_language not in allowed:
                errors["group_language"] = ValidationError(
                    _("Choose a language that the round offers.")
                )
            if not set(self.group_kinds) <= set(self.round.group_kinds):
                errors["group_kinds"] = ValidationError(
                    _("Choose group kinds that the round offers.")
                )
        if self.keep_together_with and normalise_email(self.keep_together_with) == self.email:
            errors["keep_together_with"] = ValidationError(
                _("Give a colleague's address, not your own.")
            )
        if errors:
            raise ValidationError(errors)


class RegistrationImport(TenantOwned):
    """A file of registrations from another form tool, read and waiting for the coordinator."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="registration_imports",
        verbose_name=_("organisation"),
    )
    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="imports", verbose_name=_("round")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    file_name = models.CharField(_("file"), max_length=255)
    headers = models.JSONField(_("columns"), default=list)
    rows = models.JSONField(_("rows"), default=list)
    imported_count = models.PositiveIntegerField(_("imported"), null=True, blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    imported_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    objects = TenantManager["RegistrationImport"]()

    class Meta:
        verbose_name = _("registration import")
        verbose_name_plural = _("registration imports")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return self.file_name

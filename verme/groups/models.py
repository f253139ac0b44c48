from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from verme.mentors.models import RoundMentor
from verme.organisations.models import Organisation
from verme.organisations.tenancy import TenantManager, TenantOwned
from verme.registrations.models import Registration
from verme.rounds.models import GroupLanguage, Round, Theme, TimeSlot


def _default_pins() -> dict[str, list[str]]:
    return {"people": [], "groups": []}


class Proposal(TenantOwned):
    """One run of the optimiser for a round: its input, its stored result and the coordinator's
    adjustments. A round keeps several; at most one is published.

    `solution` is the grouping as it is now: after a move by hand its objective, penalty and
    group summaries are recomputed (its bounds stay, being the problem's); `optimiser_objective`
    and `optimiser_penalty` keep the optimiser's own figures."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting to start")
        RUNNING = "running", _("running")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")
        PUBLISHED = "published", _("published")

    STOPPED = "stopped"
    """`error` of a run whose task worker stopped before it finished (restarted, or out of
    memory): `services.proposals_fail_stopped_runs` marks such runs failed."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="proposals",
        verbose_name=_("organisation"),
    )
    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("round")
    )
    number = models.PositiveIntegerField(_("number"))
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reruns",
        verbose_name=_("re-run of"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.FloatField(_("progress"), default=0.0)
    progress_message = models.CharField(_("progress message"), max_length=200, blank=True)
    time_limit_s = models.PositiveSmallIntegerField(
        _("time limit in seconds"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
    )
    weights = models.JSONField(_("weights"), default=dict, blank=True)
    problem = models.JSONField(_("problem"), default=dict, blank=True)
    solution = models.JSONField(_("solution"), null=True, blank=True)
    pins = models.JSONField(_("pins"), default=_default_pins, blank=True)
    moved = models.JSONField(_("moved by the coordinator"), default=list, blank=True)
    optimiser_objective = models.FloatField(
        _("the optimiser's score"),
        null=True,
        blank=True,
        help_text=_("The score of the grouping as the optimiser left it, before any moves."),
    )
    optimiser_penalty = models.FloatField(
        _("the optimiser's penalty points"),
        null=True,
        blank=True,
        help_text=_("The penalty of the grouping as the optimiser left it, before any moves."),
    )
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    objects = TenantManager["Proposal"]()

    class Meta:
        verbose_name = _("group proposal")
        verbose_name_plural = _("group proposals")
        ordering = ("round", "-number")
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="proposal_unique_number")
        ]

    def __str__(self) -> str:
        return str(_("Proposal %(number)d") % {"number": self.number})

    @property
    def is_running(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}

    @property
    def stopped_unfinished(self) -> bool:
        """The run failed because its task worker stopped, not because of an error."""
        return self.status == self.Status.FAILED and self.error == self.STOPPED

    @property
    def has_result(self) -> bool:
        return self.solution is not None and self.status in {
            self.Status.DONE,
            self.Status.PUBLISHED,
        }

    @property
    def progress_percent(self) -> int:
        return round(100 * min(1.0, max(0.0, self.progress)))

    @property
    def pinned_people(self) -> list[str]:
        people: Any = self.pins.get("people", [])
        return list(people)

    @property
    def pinned_groups(self) -> list[str]:
        groups: Any = self.pins.get("groups", [])
        return list(groups)


class Group(TenantOwned):
    """A published group of a round: a mentor, a theme, a weekly time and a language."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="groups",
        verbose_name=_("organisation"),
    )
    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="groups", verbose_name=_("round")
    )
    proposal = models.ForeignKey(
        Proposal, on_delete=models.PROTECT, related_name="groups", verbose_name=_("proposal")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    key = models.CharField(_("identifier in the proposal"), max_length=40)
    round_mentor = models.ForeignKey(
        RoundMentor,
        on_delete=models.SET_NULL,
        null=True,
        related_name="groups",
        verbose_name=_("mentor"),
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.SET_NULL, null=True, related_name="groups", verbose_name=_("theme")
    )
    slot = models.ForeignKey(
        TimeSlot,
        on_delete=models.SET_NULL,
        null=True,
        related_name="groups",
        verbose_name=_("weekly time"),
    )
    language = models.CharField(_("language"), max_length=8, choices=GroupLanguage.choices)
    online = models.BooleanField(_("meets online"), default=False)

    objects = TenantManager["Group"]()

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ("round", "number")
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="group_unique_number")
        ]

    def __str__(self) -> str:
        return str(_("Group %(number)d") % {"number": self.number})


class GroupMember(TenantOwned):
    """A registration's place in a published group."""

    tenant_path = "group__organisation"

    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="members", verbose_name=_("group")
    )
    registration = models.OneToOneField(
        Registration,
        on_delete=models.CASCADE,
        related_name="group_member",
        verbose_name=_("registration"),
    )
    joined_late = models.BooleanField(_("joined after publishing"), default=False)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    objects = TenantManager["GroupMember"]()

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ("group", "registration__last_name", "pk")

    def __str__(self) -> str:
        return f"{self.registration.full_name} · {self.group}"


class LatePlacement(TenantOwned):
    """What happened to a registration that arrived after publishing: a group, or the waiting
    list with the reason."""

    class Reason(models.TextChoices):
        PLACED = "placed", _("placed into a group")
        NO_LANGUAGE_SLOT = (
            "no_language_slot",
            _("no group in the person's language meets at a time they can attend"),
        )
        GROUPS_FULL = "groups_full", _("every group that would suit the person is full")
        CONFLICT = "conflict", _("every group that would suit the person has their supervisor")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="late_placements",
        verbose_name=_("organisation"),
    )
    registration = models.OneToOneField(
        Registration,
        on_delete=models.CASCADE,
        related_name="late_placement",
        verbose_name=_("registration"),
    )
    group = models.ForeignKey(
        Group,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="late_placements",
        verbose_name=_("group"),
    )
    reason = models.CharField(_("outcome"), max_length=32, choices=Reason.choices)
    created_at = models.DateTimeField(_("decided"), auto_now_add=True)

    objects = TenantManager["LatePlacement"]()

    class Meta:
        verbose_name = _("late registration")
        verbose_name_plural = _("late registrations")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.registration} · {self.get_reason_display()}"

"""Writes for group formation: proposals (create, run, adjust, pin, publish) and late placement."""

from __future__ import annotations

import dataclasses
import logging
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from verme.accounts.models import User
from verme.audit.services import audit_record
from verme.grouping import (
    FixedGroup,
    Pin,
    Problem,
    Solution,
    Unassigned,
    Weights,
    problem_from_dict,
    solution_from_dict,
    solution_to_dict,
    solve,
    validate,
)
from verme.grouping.evaluate import rescore
from verme.grouping.exchange import problem_to_dict, weights_to_dict
from verme.groups.explain import MOVED_OUT, placed_sentence, violation_sentence
from verme.groups.models import Group, GroupMember, LatePlacement, Proposal
from verme.groups.overview import language_label, names_for
from verme.groups.selectors import (
    grouping_problem_for_round,
    published_proposal,
    registration_accepts_online,
    registration_key,
    round_groups,
    slot_key,
)
from verme.notifications.services import email_queue
from verme.organisations.models import Organisation
from verme.registrations.models import JobTitle, LanguageWish, Registration
from verme.rounds.models import Round

logger = logging.getLogger(__name__)

MEMBER_EMAIL = "groups/email/member"
MENTOR_EMAIL = "groups/email/mentor"
WAITING_EMAIL = "groups/email/waiting"


def _lock_round(round_: Round) -> None:
    Round.objects.for_organisation(round_.organisation).select_for_update().filter(
        pk=round_.pk
    ).first()


def _fixed_from(parent: Proposal) -> tuple[list[Pin], list[FixedGroup]]:
    """Pinned people and groups of `parent` as pins and fixed groups, so a re-run keeps them."""
    if parent.solution is None:
        return [], []
    solution = solution_from_dict(parent.solution)
    people, whole = set(parent.pinned_people), set(parent.pinned_groups)
    pins: list[Pin] = []
    groups: list[FixedGroup] = []
    for group in solution.groups:
        kept = [m for m in group.members if group.id in whole or m in people]
        if not kept:
            continue
        groups.append(
            FixedGroup(
                id=group.id,
                mentor=group.mentor,
                theme=group.theme or None,
                slot=group.slot or None,
                language=group.language or None,
                online=group.online,
                kind=group.kind,
            )
        )
        pins.extend(Pin(participant=m, group=group.id) for m in kept)
    return pins, groups


@transaction.atomic
def proposal_create(
    *,
    actor: User | None,
    round_: Round,
    weights: Weights,
    time_limit_s: int = 30,
    parent: Proposal | None = None,
) -> Proposal:
    """Build the optimiser's problem from the round now and queue the run in the background.

    A re-run (`parent`) keeps the parent's pinned people and groups where they are.
    """
    _lock_round(round_)
    if published_proposal(round_=round_) is not None:
        raise ValidationError(_("The groups of this round are published already."))
    pins, groups = _fixed_from(parent) if parent is not None else ([], [])
    problem = grouping_problem_for_round(round_=round_, weights=weights, pins=pins, groups=groups)
    last = Proposal.objects.for_organisation(round_.organisation).filter(round=round_).first()
    proposal = Proposal(
        organisation=round_.organisation,
        round=round_,
        number=(last.number + 1) if last else 1,
        parent=parent,
        created_by=actor,
        time_limit_s=time_limit_s,
        weights=weights_to_dict(weights),
        problem=problem_to_dict(problem),
        pins={
            "people": sorted({p.participant for p in problem.pinned} & set(parent.pinned_people))
            if parent
            else [],
            "groups": sorted({g.id for g in problem.groups} & set(parent.pinned_groups))
            if parent
            else [],
        },
    )
    proposal.full_clean(validate_constraints=False)  # the round is locked; numbers follow
    proposal.save()
    audit_record(
        actor=actor,
        organisation=round_.organisation,
        action="proposal.create",
        obj=proposal,
        after={"weights": proposal.weights, "parent": parent.pk if parent else None},
    )
    organisation_id, proposal_id = round_.organisation_id, proposal.pk
    transaction.on_commit(lambda: _enqueue_run(organisation_id, proposal_id))
    return proposal


def _enqueue_run(organisation_id: int, proposal_id: int) -> None:
    from verme.groups.tasks import run_proposal

    run_proposal.enqueue(organisation_id, proposal_id)


RUN_STOPPED_AFTER_S = 300
"""A run still marked running this many seconds after its time limit ran out has lost its task
worker: the optimiser keeps to its time limit, and its result is stored within seconds."""


def proposals_fail_stopped_runs(*, round_: Round) -> int:
    """Mark as failed the round's runs whose task worker stopped before they finished (a
    restart, or the system ending it for want of memory), so that their pages stop showing a
    progress bar that never moves and say to run again; how many were marked.

    A run marked so that does finish after all still stores its result (`proposal_run`).
    """
    now = timezone.now()
    rows = Proposal.objects.for_organisation(round_.organisation).filter(
        round=round_, status=Proposal.Status.RUNNING, started_at__isnull=False
    )
    stopped = [
        proposal.pk
        for proposal in rows.only("pk", "started_at", "time_limit_s")
        if proposal.started_at is not None
        and proposal.started_at + timedelta(seconds=proposal.time_limit_s + RUN_STOPPED_AFTER_S)
        < now
    ]
    if not stopped:
        return 0
    logger.warning("Proposals %s stopped without finishing: marked failed", stopped)
    return rows.filter(pk__in=stopped).update(
        status=Proposal.Status.FAILED, error=Proposal.STOPPED, finished_at=now
    )


def proposal_run(*, organisation: Organisation, proposal_id: int) -> Proposal:
    """Run the optimiser for a queued proposal, storing progress on the row as it goes.

    Not one transaction: progress must be visible to the page while the optimiser works.
    """
    rows = Proposal.objects.for_organisation(organisation).filter(pk=proposal_id)
    started = rows.filter(status=Proposal.Status.QUEUED).update(
        status=Proposal.Status.RUNNING, started_at=timezone.now(), progress=0.0
    )
    proposal = rows.get()
    if not started:
        return proposal  # run already, or running elsewhere: a duplicate task changes nothing

    def progress(fraction: float, message: str) -> None:
        rows.update(progress=min(0.99, fraction), progress_message=message[:200])

    try:
        solution = solve(
            problem_from_dict(proposal.problem),
            time_limit_s=float(proposal.time_limit_s),
            progress=progress,
        )
    except Exception as exc:  # the page must say it failed rather than spin forever
        logger.exception("Proposal %s failed", proposal_id)
        rows.update(
            status=Proposal.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
    else:
        rows.update(
            status=Proposal.Status.DONE,
            solution=solution_to_dict(solution),
            optimiser_objective=solution.objective,
            optimiser_penalty=solution.penalty,
            progress=1.0,
            progress_message="",
            error="",
            finished_at=timezone.now(),
        )
    return rows.get()


def _editable(proposal: Proposal) -> None:
    if proposal.status != Proposal.Status.DONE or proposal.solution is None:
        raise ValidationError(_("Only a ready proposal that is not published can be changed."))


def _refuse_new_violations(
    proposal: Proposal, problem: Problem, before: Solution, after: Solution
) -> None:
    known = {dataclasses.astuple(v) for v in validate(problem, before)}
    new = [v for v in validate(problem, after) if dataclasses.astuple(v) not in known]
    if not new:
        return
    numbers = {g.id: n for n, g in enumerate(after.groups, start=1)}
    names = names_for(proposal, problem)
    messages = [
        violation_sentence(
            v,
            group=_("Group %(number)d") % {"number": numbers[v.group]}
            if v.group in numbers
            else "",
            person=names.person(v.participant) if v.participant else "",
        )
        for v in new
    ]
    raise ValidationError(
        [_("The change was not made, because it would break a rule:")] + sorted(set(messages))
    )


def _store_changed_solution(proposal: Proposal, problem: Problem, changed: Solution) -> None:
    """Put a grouping changed by hand on the proposal (not saved) with its figures recomputed.

    Every change of membership goes through here, so the stored objective, penalty and group
    summaries always describe the groups as they are; the proven bound is the problem's and
    stays. The optimiser's own figures are kept on the proposal for comparison.
    """
    assert proposal.solution is not None  # noqa: S101 - only a proposal with a result changes
    if proposal.optimiser_objective is None:
        proposal.optimiser_objective = proposal.solution.get("objective")
        proposal.optimiser_penalty = proposal.solution.get("penalty")
    proposal.solution = solution_to_dict(rescore(problem, changed))


@transaction.atomic
def proposal_move_member(
    *, actor: User | None, proposal: Proposal, participant: str, group: str | None
) -> Proposal:
    """Move a person to another group of the proposal (`group=None`: out of every group).

    A move that breaks a hard rule is refused and changes nothing.
    """
    _editable(proposal)
    assert proposal.solution is not None  # noqa: S101 - _editable checked it
    solution = solution_from_dict(proposal.solution)
    ids = {g.id for g in solution.groups}
    placed = {m for g in solution.groups for m in g.members}
    if participant not in placed and participant not in {u.id for u in solution.unassigned}:
        raise ValidationError(_("The person is not in this proposal."))
    if group is not None and group not in ids:
        raise ValidationError(_("Choose a group of this proposal."))
    before_group = next((g.id for g in solution.groups if participant in g.members), None)
    if before_group == group:
        return proposal
    groups = tuple(
        dataclasses.replace(
            g,
            members=tuple(m for m in g.members if m != participant)
            + ((participant,) if g.id == group else ()),
            summary=None,
        )
        for g in solution.groups
    )
    unassigned = tuple(u for u in solution.unassigned if u.id != participant)
    if group is None:
        unassigned += (Unassigned(id=participant, reason="", code=MOVED_OUT),)
    changed = dataclasses.replace(solution, groups=groups, unassigned=unassigned)
    problem = problem_from_dict(proposal.problem)
    _refuse_new_violations(proposal, problem, solution, changed)
    _store_changed_solution(proposal, problem, changed)
    proposal.moved = sorted({*proposal.moved, participant})
    proposal.save(update_fields=["solution", "moved", "optimiser_objective", "optimiser_penalty"])
    audit_record(
        actor=actor,
        organisation=proposal.organisation,
        action="proposal.move",
        obj=proposal,
        before={"participant": participant, "group": before_group},
        after={"participant": participant, "group": group},
    )
    return proposal


@transaction.atomic
def proposal_pin(
    *,
    actor: User | None,
    proposal: Proposal,
    pinned: bool,
    participant: str | None = None,
    group: str | None = None,
) -> Proposal:
    """Pin (or unpin) a person to their group, or a whole group, so that a re-run keeps them."""
    _editable(proposal)
    assert proposal.solution is not None  # noqa: S101 - _editable checked it
    solution = solution_from_dict(proposal.solution)
    if participant is not None:
        key, known = "people", {m for g in solution.groups for m in g.members}
        target = participant
    elif group is not None:
        key, known, target = "groups", {g.id for g in solution.groups}, group
    else:
        raise ValidationError(_("Choose a person or a group to pin."))
    if target not in known:
        raise ValidationError(_("Only people in a group, and groups, can be pinned."))
    before = dict(proposal.pins)
    values = set(proposal.pins.get(key, []))
    values = values | {target} if pinned else values - {target}
    proposal.pins = {**proposal.pins, key: sorted(values)}
    proposal.save(update_fields=["pins"])
    audit_record(
        actor=actor,
        organisation=proposal.organisation,
        action="proposal.pin",
        obj=proposal,
        before=before,
        after=proposal.pins,
    )
    return proposal


def _member_context(*, group: Group, registration: Registration, sentence: str) -> dict[str, Any]:
    return {"group": group, "registration": registration, "explanation": sentence}


@transaction.atomic
def proposal_publish(*, actor: User | None, proposal: Proposal, notify: bool = True) -> list[Group]:
    """Make the proposal the round's groups; every member and mentor gets an e-mail in their
    language with the group, the mentor, the weekly time and whether the group meets online. A
    round is published once."""
    round_ = proposal.round
    _lock_round(round_)
    if published_proposal(round_=round_) is not None:
        raise ValidationError(_("The groups of this round are published already."))
    _editable(proposal)
    assert proposal.solution is not None  # noqa: S101 - _editable checked it
    problem = problem_from_dict(proposal.problem)
    solution = solution_from_dict(proposal.solution)
    if validate(problem, solution):
        raise ValidationError(_("The proposal breaks a rule, so it cannot be published."))
    names = names_for(proposal, problem)
    people = {p.id: p for p in problem.participants}
    groups: list[tuple[Group, list[Registration]]] = []
    for number, solved in enumerate(solution.groups, start=1):
        theme, slot = names.themes.get(solved.theme), names.slots.get(solved.slot)
        group = Group(
            organisation=round_.organisation,
            round=round_,
            proposal=proposal,
            number=number,
            key=solved.id,
            round_mentor=names.mentors.get(solved.mentor),
            theme=theme,
            slot=slot,
            language=solved.language,
            online=solved.online,
        )
        group.full_clean(validate_constraints=False)  # numbered within the locked round
        group.save()
        members = [
            names.people[m]
            for m in solved.members
            if m in names.people and names.people[m].status == Registration.Status.REGISTERED
        ]
        GroupMember.objects.bulk_create(
            GroupMember(group=group, registration=registration) for registration in members
        )
        groups.append((group, members))
    proposal.status = Proposal.Status.PUBLISHED
    proposal.published_at = timezone.now()
    proposal.published_by = actor
    proposal.save(update_fields=["status", "published_at", "published_by"])
    audit_record(
        actor=actor,
        organisation=round_.organisation,
        action="groups.publish",
        obj=proposal,
        after={"groups": len(groups), "members": sum(len(m) for _g, m in groups)},
    )
    if notify:
        novice_years = problem.weights.novice_years
        for group, members in groups:
            people_in = [people[f"r{r.pk}"] for r in members]
            novices = sum(p.years is not None and p.years <= novice_years for p in people_in)
            units = len({p.unit for p in people_in if p.unit})
            for registration in members:
                person = people[f"r{registration.pk}"]
                rank = (
                    person.themes.index(f"t{group.theme_id}") + 1
                    if f"t{group.theme_id}" in person.themes
                    else None
                )
                with translation.override(registration.language):
                    sentence = placed_sentence(
                        theme_rank=rank,
                        theme=str(group.theme or ""),
                        slot=str(group.slot or ""),
                        language=language_label(group.language),
                        units=units,
                        novices=novices,
                        experienced=len(members) - novices,
                        online=group.online,
                    )
                _email_member(group=group, registration=registration, sentence=sentence)
            _email_mentor(group=group, members=members)
    return [group for group, _members in groups]


def _email_member(*, group: Group, registration: Registration, sentence: str) -> None:
    email_queue(
        organisation=group.organisation,
        to=registration.email,
        template=MEMBER_EMAIL,
        context=_member_context(group=group, registration=registration, sentence=sentence),
        language=registration.language,
    )


def _email_mentor(*, group: Group, members: list[Registration]) -> None:
    if group.round_mentor is None:
        return
    mentor = group.round_mentor.mentor
    email_queue(
        organisation=group.organisation,
        to=mentor.email,
        template=MENTOR_EMAIL,
        context={"group": group, "mentor": mentor, "members": members},
        language=mentor.language,
    )


def _accepted_languages(registration: Registration) -> set[str]:
    if registration.group_language == LanguageWish.EITHER:
        return set(registration.round.languages)
    return {registration.group_language}


def _conflicts(registration: Registration, members: list[Registration]) -> bool:
    """A principal and the staff of their own unit are never in one group."""
    if registration.unit_id is None:
        return False
    same_unit = [m for m in members if m.unit_id == registration.unit_id]
    if registration.job_title == JobTitle.PRINCIPAL:
        return any(m.job_title != JobTitle.PRINCIPAL for m in same_unit)
    return any(m.job_title == JobTitle.PRINCIPAL for m in same_unit)


def _region_of(registration: Registration) -> str:
    return (registration.unit.region if registration.unit is not None else "") or ""


def _within_reach(group: Group, *, region: str, online: bool) -> bool:
    """Where a late registration may meet, as the optimiser reads regions (rule 7): an online
    group only if they accept online groups; in person, any group for someone without a region
    (no unit, for example a student teacher), else a group of their region: its mentor's, or for
    a mentor without a region, the one its members with a region share."""
    if group.online:
        return online
    if not region or group.round_mentor is None:
        return True
    mentor_region = group.round_mentor.mentor.region or ""
    if mentor_region:
        return mentor_region == region
    return all(_region_of(m.registration) in {"", region} for m in group.members.all())


@transaction.atomic
def registration_place_late(*, registration: Registration) -> LatePlacement | None:
    """Place a registration that arrives after publishing into the group that changes least:
    one with room, in a language the person accepts, at a time they can attend, within their
    region (any region for someone without one; online only if they accept online groups), on
    their best-ranked theme; else put them on the waiting list with the reason.

    Does nothing when the round has no published groups, when the published groups were formed
    with this person already, or when the person has a group.
    """
    round_ = registration.round
    organisation = round_.organisation
    published = published_proposal(round_=round_)
    if published is None:
        return None
    considered = {person["id"] for person in published.problem.get("participants", [])}
    if registration_key(registration) in considered:
        return None  # the groups were formed with this person: the optimiser decided already
    if registration.status != Registration.Status.REGISTERED:
        return None
    if (
        GroupMember.objects.for_organisation(organisation)
        .filter(registration=registration)
        .exists()
    ):
        return None
    if (
        LatePlacement.objects.for_organisation(organisation)
        .filter(registration=registration)
        .exists()
    ):
        return None
    languages = _accepted_languages(registration)
    slots = {slot_key(s) for s in registration.available_slots.all()}
    region = _region_of(registration)
    online = registration_accepts_online(registration)
    ranks = {t.pk: n for n, t in enumerate(registration.themes, start=1)}
    suitable = [
        g
        for g in round_groups(round_=round_)
        if g.language in languages
        and g.slot is not None
        and slot_key(g.slot) in slots
        and _within_reach(g, region=region, online=online)
    ]
    with_room = [g for g in suitable if len(g.members.all()) < round_.group_max]
    fitting = [
        g
        for g in with_room
        if not _conflicts(registration, [m.registration for m in g.members.all()])
    ]
    group: Group | None = None
    if fitting:
        group = min(
            fitting,
            key=lambda g: (
                ranks.get(g.theme_id or 0, len(ranks) + 1),
                len(g.members.all()),
                g.number,
            ),
        )
        reason = LatePlacement.Reason.PLACED
        GroupMember.objects.create(group=group, registration=registration, joined_late=True)
    else:
        reason = (
            LatePlacement.Reason.NO_LANGUAGE_SLOT
            if not suitable
            else LatePlacement.Reason.GROUPS_FULL
            if not with_room
            else LatePlacement.Reason.CONFLICT
        )
        registration.status = Registration.Status.WAITING
        registration.save(update_fields=["status", "updated_at"])
    placement = LatePlacement(
        organisation=organisation, registration=registration, group=group, reason=reason
    )
    placement.full_clean(validate_unique=False)  # checked above
    placement.save()
    audit_record(
        actor=None,
        organisation=organisation,
        action="groups.place_late",
        obj=placement,
        after={"group": group.number if group else None, "reason": reason},
    )
    if group is not None:
        rank = ranks.get(group.theme_id or 0)
        members = [m.registration for m in group.members.all()] + [registration]
        novice_years = problem_from_dict(published.problem).weights.novice_years
        novices = sum(m.years_in_profession <= novice_years for m in members)
        with translation.override(registration.language):
            sentence = placed_sentence(
                theme_rank=rank,
                theme=str(group.theme or ""),
                slot=str(group.slot or ""),
                language=language_label(group.language),
                units=len({m.unit_id for m in members if m.unit_id}),
                novices=novices,
                experienced=len(members) - novices,
                online=group.online,
            )
        _email_member(group=group, registration=registration, sentence=sentence)
    else:
        email_queue(
            organisation=organisation,
            to=registration.email,
            template=WAITING_EMAIL,
            context={"registration": registration, "placement": placement},
            language=registration.language,
        )
    return placement

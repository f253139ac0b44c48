"""Proposals: run in the background, stored, adjusted by hand, pinned, re-run and compared."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.utils import translation

from conftest import Personas
from verme.audit.models import AuditEntry
from verme.grouping import (
    Solution,
    Weights,
    problem_from_dict,
    solution_from_dict,
    solution_to_dict,
)
from verme.grouping.evaluate import evaluate
from verme.groups.models import Proposal
from verme.groups.overview import proposal_overview
from verme.groups.services import proposal_create, proposal_move_member, proposal_pin
from verme.groups.tests.factories import SmallRound, a_small_round

pytestmark = pytest.mark.django_db


def run(
    small: SmallRound, capture: Any, *, parent: Proposal | None = None, **weights: Any
) -> Proposal:
    with capture(execute=True):
        proposal = proposal_create(
            actor=None,
            round_=small.round,
            weights=Weights(**weights),
            time_limit_s=2,
            parent=parent,
        )
    proposal.refresh_from_db()
    return proposal


def test_a_run_stores_a_solution_that_reads_back_unchanged(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    small = a_small_round(personas.org_a)
    proposal = run(small, django_capture_on_commit_callbacks)
    assert proposal.status == Proposal.Status.DONE
    assert proposal.progress == 1.0
    assert proposal.number == 1
    assert proposal.solution is not None
    solution = solution_from_dict(proposal.solution)
    assert solution_to_dict(solution) == proposal.solution
    assert sorted(m for g in solution.groups for m in g.members) == sorted(
        f"r{r.pk}" for r in small.registrations
    )
    overview = proposal_overview(proposal=proposal)
    assert overview.figures.placed == 8
    assert overview.figures.violations == 0
    assert all(group.size == 4 for group in overview.groups)
    sentence = overview.groups[0].members[0].explanation
    assert "maanantai 14:00" in sentence


def test_explanations_are_in_the_readers_language(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    small = a_small_round(personas.org_a)
    proposal = run(small, django_capture_on_commit_callbacks)
    with translation.override("fi"):
        finnish = proposal_overview(proposal=proposal).groups[0].members[0].explanation
    with translation.override("sv"):
        swedish = proposal_overview(proposal=proposal).groups[0].members[0].explanation
    assert "maanantai" in finnish
    assert "They got" not in finnish
    assert "måndag" in swedish
    assert "They got" not in swedish


def test_a_move_that_breaks_a_rule_is_refused_and_changes_nothing(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    small = a_small_round(personas.org_a)
    proposal = run(small, django_capture_on_commit_callbacks)
    before = proposal.solution
    first, second = solution_from_dict(before).groups
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        # Four and four: moving one leaves a group of three, below the smallest size.
        proposal_move_member(
            actor=personas.coordinator,
            proposal=proposal,
            participant=first.members[0],
            group=second.id,
        )
    assert "A group must have between the smallest and the largest group size." in " ".join(
        refused.value.messages
    )
    proposal.refresh_from_db()
    assert proposal.solution == before
    assert proposal.moved == []


def test_a_move_within_the_rules_is_stored_audited_and_explained(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    small = a_small_round(personas.org_a, people=9)
    proposal = run(small, django_capture_on_commit_callbacks)
    groups = solution_from_dict(proposal.solution).groups
    big, small_group = sorted(groups, key=lambda g: -len(g.members))
    person = big.members[0]
    proposal_move_member(
        actor=personas.coordinator, proposal=proposal, participant=person, group=small_group.id
    )
    proposal.refresh_from_db()
    moved = {g.id: g.members for g in solution_from_dict(proposal.solution).groups}
    assert person in moved[small_group.id]
    assert person not in moved[big.id]
    assert proposal.moved == [person]
    with translation.override("en"):
        overview = proposal_overview(proposal=proposal)
    member = next(m for g in overview.groups for m in g.members if m.key == person)
    assert "The coordinator moved them here." in member.explanation
    assert (
        AuditEntry.objects.for_organisation(personas.org_a).filter(action="proposal.move").exists()
    )


def test_pinned_people_and_groups_stay_put_in_a_rerun(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    small = a_small_round(personas.org_a)
    proposal = run(small, django_capture_on_commit_callbacks)
    first, second = solution_from_dict(proposal.solution).groups
    proposal_pin(actor=None, proposal=proposal, pinned=True, group=first.id)
    proposal_pin(actor=None, proposal=proposal, pinned=True, participant=second.members[0])
    # Emphasise something else entirely: the pinned stay where they were.
    rerun = run(small, django_capture_on_commit_callbacks, parent=proposal, no_wish=0, size=9)
    assert rerun.number == 2
    assert rerun.parent == proposal
    assert rerun.pins == {"people": [second.members[0]], "groups": [first.id]}
    groups = {g.id: g for g in solution_from_dict(rerun.solution).groups}
    assert set(first.members) <= set(groups[first.id].members)
    assert groups[first.id].slot == first.slot
    assert groups[first.id].mentor == first.mentor
    assert second.members[0] in groups[second.id].members
    assert len(rerun.problem["pinned"]) == 5


def test_only_ready_proposals_change(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    small = a_small_round(personas.org_a)
    queued = proposal_create(actor=None, round_=small.round, weights=Weights(), time_limit_s=1)
    with pytest.raises(ValidationError):
        proposal_pin(actor=None, proposal=queued, pinned=True, group="m1-1")


def _moved_by_hand(personas: Personas, capture: Any) -> tuple[Proposal, Solution, str]:
    """A proposal of nine people in groups of five and four, and one person moved by hand from
    the five to the four; with the optimiser's solution as it was."""
    small = a_small_round(personas.org_a, people=9)
    proposal = run(small, capture)
    original = solution_from_dict(proposal.solution)
    big, small_group = sorted(original.groups, key=lambda g: -len(g.members))
    person = big.members[0]
    proposal_move_member(
        actor=personas.coordinator, proposal=proposal, participant=person, group=small_group.id
    )
    proposal.refresh_from_db()
    return proposal, original, person


def test_a_run_keeps_the_optimisers_figures_beside_its_solution(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    proposal = run(a_small_round(personas.org_a), django_capture_on_commit_callbacks)
    solution = solution_from_dict(proposal.solution)
    assert proposal.optimiser_objective == solution.objective
    assert proposal.optimiser_penalty == solution.penalty
    figures = proposal_overview(proposal=proposal).figures
    assert not figures.changed
    assert (figures.objective, figures.penalty) == (solution.objective, solution.penalty)
    assert figures.optimiser_gap == figures.gap


def test_a_move_stores_the_figures_of_the_groups_as_they_are_now(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    proposal, original, person = _moved_by_hand(personas, django_capture_on_commit_callbacks)
    problem = problem_from_dict(proposal.problem)
    stored = solution_from_dict(proposal.solution)
    evaluation = evaluate(problem, stored)
    # The figures describe the moved groups, not the optimiser's.
    assert (stored.objective, stored.penalty) == (evaluation.objective, evaluation.penalty)
    assert [g.summary for g in stored.groups] == [g.summary for g in evaluation.groups]
    assert stored.objective == original.objective - (stored.penalty - original.penalty)
    # Five and four became four and five, so at least the size term moves; the bound stays.
    assert stored.penalty != original.penalty
    assert (stored.bound, stored.penalty_bound) == (original.bound, original.penalty_bound)
    assert proposal.optimiser_objective == original.objective
    assert proposal.optimiser_penalty == original.penalty
    figures = proposal_overview(proposal=proposal).figures
    assert figures.changed
    assert figures.objective == stored.objective
    assert figures.optimiser_objective == original.objective
    assert figures.gap == pytest.approx(abs(stored.objective - stored.bound) / stored.bound)
    assert figures.optimiser_gap == pytest.approx(original.gap)


def test_moving_back_restores_the_optimisers_figures_and_keeps_its_own(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    proposal, original, person = _moved_by_hand(personas, django_capture_on_commit_callbacks)
    home = next(g.id for g in original.groups if person in g.members)
    proposal_move_member(actor=None, proposal=proposal, participant=person, group=home)
    proposal.refresh_from_db()
    stored = solution_from_dict(proposal.solution)
    assert (stored.objective, stored.penalty) == (original.objective, original.penalty)
    assert [g.summary for g in stored.groups] == [g.summary for g in original.groups]
    assert proposal.optimiser_objective == original.objective


def test_taking_someone_out_of_every_group_costs_the_unassigned_weight(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    small = a_small_round(personas.org_a, people=9)
    proposal = run(small, django_capture_on_commit_callbacks)
    original = solution_from_dict(proposal.solution)
    big = max(original.groups, key=lambda g: len(g.members))
    proposal_move_member(actor=None, proposal=proposal, participant=big.members[0], group=None)
    proposal.refresh_from_db()
    stored = solution_from_dict(proposal.solution)
    figures = proposal_overview(proposal=proposal).figures
    evaluation = evaluate(problem_from_dict(proposal.problem), stored)
    assert (figures.placed, evaluation.unplaced) == (8, 1)
    assert stored.penalty == evaluation.penalty
    assert stored.objective == 9 * Weights().unassigned - stored.penalty
    assert stored.objective < original.objective


def test_the_migration_rescores_proposals_moved_before_it(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    # Before the figures were kept up to date, a move left the optimiser's score in the
    # solution: the migration keeps that as the optimiser's and stores the groups' own.
    proposal, original, _person = _moved_by_hand(personas, django_capture_on_commit_callbacks)
    live = proposal.solution
    assert live is not None
    stale = {**live, "objective": original.objective, "penalty": original.penalty}
    Proposal.objects.for_organisation(personas.org_a).filter(pk=proposal.pk).update(
        solution=stale, optimiser_objective=None, optimiser_penalty=None
    )
    migration = importlib.import_module("verme.groups.migrations.0002_optimiser_figures")
    migration.keep_the_optimisers_figures(django_apps, None)
    proposal.refresh_from_db()
    assert proposal.solution == live
    assert (proposal.optimiser_objective, proposal.optimiser_penalty) == (
        original.objective,
        original.penalty,
    )

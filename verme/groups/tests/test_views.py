"""The coordinator's pages: form groups, see the proposal, move, pin, re-run, compare, publish."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import Personas
from verme.grouping import Weights, solution_from_dict
from verme.groups.models import Proposal
from verme.groups.services import RUN_STOPPED_AFTER_S, proposal_create
from verme.groups.tests.factories import a_small_round, an_online_only_round
from verme.mentors.tests.factories import a_round_mentor
from verme.organisations.models import Organisation
from verme.organisations.tests.factories import UnitFactory
from verme.registrations.tests.factories import RegistrationFactory
from verme.rounds.selectors import round_slots, round_themes

pytestmark = pytest.mark.django_db


def _ready(personas: Personas, capture: Any, **kwargs: Any) -> Proposal:
    small = a_small_round(personas.org_a, **kwargs)
    with capture(execute=True):
        proposal = proposal_create(
            actor=None, round_=small.round, weights=Weights(), time_limit_s=1
        )
    proposal.refresh_from_db()
    return proposal


def test_the_coordinator_forms_groups_and_sees_them_explained(
    client: Client, personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    small = a_small_round(personas.org_a)
    client.force_login(personas.coordinator)
    url = reverse("groups:proposals", kwargs={"slug": "aalto-demo", "pk": small.round.pk})
    data = {
        "unassigned": 100,
        "second_choice": 4,
        "third_choice": 8,
        "no_wish": 30,
        "unit_share": 2,
        "lone_novice": 6,
        "no_experienced": 6,
        "mentor_theme": 3,
        "size": 1,
        "time_limit_s": 1,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    proposal = Proposal.objects.for_organisation(personas.org_a).get()
    assert response["Location"] == reverse(
        "groups:proposal", kwargs={"slug": "aalto-demo", "pk": proposal.pk}
    )
    page = client.get(response["Location"]).content.decode()
    assert "Ryhmä 1" in page
    assert "<progress" not in page
    assert 'http-equiv="refresh"' not in page
    assert "Hän sai ensimmäisen teematoiveensa" in page
    assert "Kuinka moni jäsen" in page  # the heat-map's caption


def test_a_running_proposal_shows_progress_and_refreshes_itself(
    client: Client, personas: Personas
) -> None:
    small = a_small_round(personas.org_a, people=4, mentors=1)
    proposal = proposal_create(actor=None, round_=small.round, weights=Weights(), time_limit_s=1)
    Proposal.objects.for_organisation(personas.org_a).filter(pk=proposal.pk).update(
        status=Proposal.Status.RUNNING, progress=0.4
    )
    client.force_login(personas.coordinator)
    page = client.get(
        reverse("groups:proposal", kwargs={"slug": "aalto-demo", "pk": proposal.pk})
    ).content.decode()
    assert '<progress id="progress" max="100" value="40">' in page
    assert "40 %" in page
    assert 'http-equiv="refresh"' in page


def _running_since(proposal: Proposal, organisation: Organisation, seconds: float) -> None:
    Proposal.objects.for_organisation(organisation).filter(pk=proposal.pk).update(
        status=Proposal.Status.RUNNING,
        progress=0.4,
        started_at=timezone.now() - timedelta(seconds=seconds),
    )


def test_a_run_whose_worker_stopped_says_so_instead_of_refreshing_for_ever(
    client: Client, personas: Personas
) -> None:
    small = a_small_round(personas.org_a, people=4, mentors=1)
    proposal = proposal_create(actor=None, round_=small.round, weights=Weights(), time_limit_s=30)
    # Within its time limit and the margin after it, a run is still running.
    _running_since(proposal, personas.org_a, 30 + RUN_STOPPED_AFTER_S - 60)
    client.force_login(personas.coordinator)
    url = reverse("groups:proposal", kwargs={"slug": "aalto-demo", "pk": proposal.pk})
    assert 'http-equiv="refresh"' in client.get(url).content.decode()
    # Long after it, its task worker has gone: the page says so and offers a re-run.
    _running_since(proposal, personas.org_a, 30 + RUN_STOPPED_AFTER_S + 60)
    page = client.get(url).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert "<progress" not in page
    assert "Ajo pysähtyi ennen kuin se valmistui" in page
    assert reverse("groups:rerun", kwargs={"slug": "aalto-demo", "pk": proposal.pk}) in page
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.FAILED
    assert proposal.stopped_unfinished


def test_the_list_marks_stopped_runs_of_its_round_only(client: Client, personas: Personas) -> None:
    mine = a_small_round(personas.org_a, people=4, mentors=1)
    theirs = a_small_round(personas.org_b, people=4, mentors=1)
    stopped = proposal_create(actor=None, round_=mine.round, weights=Weights(), time_limit_s=5)
    other = proposal_create(actor=None, round_=theirs.round, weights=Weights(), time_limit_s=5)
    _running_since(stopped, personas.org_a, 3600)
    _running_since(other, personas.org_b, 3600)
    client.force_login(personas.coordinator)
    page = client.get(
        reverse("groups:proposals", kwargs={"slug": "aalto-demo", "pk": mine.round.pk})
    ).content.decode()
    stopped.refresh_from_db()
    other.refresh_from_db()
    assert stopped.status == Proposal.Status.FAILED
    assert "Epäonnistui" in page  # the status, as the list writes it (capitalised)
    # Another organisation's run is neither read nor changed.
    assert other.status == Proposal.Status.RUNNING


def test_a_refused_move_says_why(
    client: Client, personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    proposal = _ready(personas, django_capture_on_commit_callbacks)
    first, second = solution_from_dict(proposal.solution).groups
    client.force_login(personas.coordinator)
    response = client.post(
        reverse("groups:move", kwargs={"slug": "aalto-demo", "pk": proposal.pk}),
        {"participant": first.members[0], "group": second.id},
        follow=True,
    )
    page = response.content.decode()
    assert "Muutosta ei tehty, koska se rikkoisi säännön:" in page
    proposal.refresh_from_db()
    assert proposal.moved == []


def test_compare_shows_both_proposals_side_by_side(
    client: Client,
    personas: Personas,
    django_capture_on_commit_callbacks: Any,
    django_assert_num_queries: Any,
) -> None:
    first = _ready(personas, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        second = proposal_create(
            actor=None, round_=first.round, weights=Weights(size=10), time_limit_s=1
        )
    client.force_login(personas.coordinator)
    url = reverse("groups:compare", kwargs={"slug": "aalto-demo", "pk": first.round.pk})
    with django_assert_num_queries(6):
        page = client.get(url, {"proposal": [first.pk, second.pk]}).content.decode()
    assert "Ehdotus 1" in page
    assert "Ehdotus 2" in page
    assert page.count("8 / 8") == 2
    assert "Rikotut ehdottomat säännöt" in page


@pytest.mark.parametrize("name", ["move", "pin", "rerun", "publish"])
def test_an_outsider_cannot_post_to_another_organisations_proposal(
    client: Client, personas: Personas, django_capture_on_commit_callbacks: Any, name: str
) -> None:
    proposal = _ready(personas, django_capture_on_commit_callbacks)
    before = proposal.solution
    client.force_login(personas.outsider)
    for slug in ("aalto-demo", "berg-demo"):
        response = client.post(
            reverse(f"groups:{name}", kwargs={"slug": slug, "pk": proposal.pk}),
            {"participant": "r1", "group": "", "pinned": "on"},
        )
        assert response.status_code == 404
    proposal.refresh_from_db()
    assert proposal.solution == before
    assert proposal.status == Proposal.Status.DONE


def test_the_proposal_page_keeps_its_queries_few_with_a_hundred_registrations(
    client: Client,
    personas: Personas,
    django_capture_on_commit_callbacks: Any,
    django_assert_max_num_queries: Any,
) -> None:
    small = a_small_round(personas.org_a, people=0, mentors=0)
    round_ = small.round
    slots, themes = round_slots(round_=round_), round_themes(round_=round_)
    units = [UnitFactory.create(organisation=personas.org_a, region="") for _ in range(5)]
    for n in range(100):
        RegistrationFactory.create(
            round=round_,
            email=f"p{n}@example.org",
            unit=units[n % 5],
            slots=slots[n % 4 : n % 4 + 4],
            themes=[themes[n % 4], themes[(n + 1) % 4]],
            years_in_profession=n % 20,
        )
    for n in range(12):
        a_round_mentor(round_, name=f"M {n}", email=f"m{n}@example.org", capacity=2)
    with django_capture_on_commit_callbacks(execute=True):
        proposal = proposal_create(actor=None, round_=round_, weights=Weights(), time_limit_s=3)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DONE
    client.force_login(personas.coordinator)
    url = reverse("groups:proposal", kwargs={"slug": "aalto-demo", "pk": proposal.pk})
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('name="participant"') >= 100


def _fi(figure: float) -> str:
    """A figure as the Finnish pages show it: one decimal after a comma."""
    return f"{figure:.1f}".replace(".", ",")


def test_after_a_move_the_pages_show_the_figures_now_and_the_optimisers_beside(
    client: Client,
    personas: Personas,
    django_capture_on_commit_callbacks: Any,
    django_assert_num_queries: Any,
) -> None:
    proposal = _ready(personas, django_capture_on_commit_callbacks, people=9)
    original = solution_from_dict(proposal.solution)
    big, small_group = sorted(original.groups, key=lambda g: -len(g.members))
    client.force_login(personas.coordinator)
    detail = reverse("groups:proposal", kwargs={"slug": "aalto-demo", "pk": proposal.pk})
    compare = reverse("groups:compare", kwargs={"slug": "aalto-demo", "pk": proposal.round.pk})
    before = client.get(detail).content.decode()
    assert "Sakkopisteet" in before
    assert "muutostesi jälkeen" not in before
    assert "Raja on todistettu" in before
    with django_assert_num_queries(9):
        response = client.post(
            reverse("groups:move", kwargs={"slug": "aalto-demo", "pk": proposal.pk}),
            {"participant": big.members[0], "group": small_group.id},
        )
    assert response.status_code == 302
    proposal.refresh_from_db()
    now = solution_from_dict(proposal.solution)
    assert now.objective != original.objective
    with django_assert_num_queries(9):
        page = client.get(detail).content.decode()
    origin = '<span class="figure-origin">(muutostesi jälkeen; optimoijan: '
    assert f"{_fi(now.objective)} {origin}{_fi(original.objective)})</span>" in page
    assert f"{_fi(now.penalty)} {origin}{_fi(original.penalty)})</span>" in page
    assert f"<dd>{_fi(now.bound)}</dd>" in page
    # The penalty points' proven fewest, and how far above it the groups are now and were.
    assert now.penalty_bound == original.penalty_bound > 0
    assert f"<dd>{_fi(now.penalty_bound)}</dd>" in page
    gap_now = _fi(100 * (now.penalty - now.penalty_bound) / now.penalty_bound)
    gap_then = _fi(100 * (original.penalty - original.penalty_bound) / original.penalty_bound)
    assert f"<dd>{gap_now} % {origin}{gap_then} %)</span></dd>" in page
    assert "Sakkopisteet laskevat vain sen, mitä ryhmistä puuttuu" in page
    assert "ennen käsin tehtyjä siirtoja" not in page
    with django_assert_num_queries(6):  # the same for any number of proposals
        table = client.get(compare, {"proposal": [proposal.pk]}).content.decode()
    assert f"<td>{_fi(now.objective)}<br>{origin}{_fi(original.objective)})</span></td>" in table
    assert f"<td>{_fi(now.bound)}</td>" in table
    assert f"<td>{_fi(now.penalty_bound)}</td>" in table
    assert f"<td>{gap_now} %<br>{origin}{gap_then} %)</span></td>" in table
    assert "Sakkopisteet laskevat vain sen, mitä ryhmistä puuttuu" in table
    assert "Raja on todistettu" in table


@pytest.mark.parametrize(("language", "shown"), [("fi", "4,1 %"), ("sv", "4,1 %"), ("en", "4.1 %")])
def test_the_gap_is_written_with_the_page_languages_decimal_separator(
    language: str, shown: str
) -> None:
    from django.utils import translation

    from verme.groups.overview import _percent

    with translation.override(language):
        assert _percent(0.041) == shown
        assert _percent(None) == "–"


def test_the_proposal_page_says_how_each_group_meets(
    client: Client, personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    # Members in the north, mentors in the east: only online groups can be formed.
    small = an_online_only_round(personas.org_a)
    with django_capture_on_commit_callbacks(execute=True):
        proposal = proposal_create(
            actor=None, round_=small.round, weights=Weights(), time_limit_s=1
        )
    client.force_login(personas.coordinator)
    client.cookies["verme_language"] = "en"
    url = reverse("groups:proposal", kwargs={"slug": "aalto-demo", "pk": proposal.pk})
    page = client.get(url).content.decode()
    assert "<dt>How the group meets</dt><dd>online</dd>" in page
    assert "The group meets online, and everyone in it accepts that." in page

    in_person = _ready(personas, django_capture_on_commit_callbacks)
    url = reverse("groups:proposal", kwargs={"slug": "aalto-demo", "pk": in_person.pk})
    page = client.get(url).content.decode()
    assert "<dt>How the group meets</dt><dd>in person</dd>" in page
    assert "meets online" not in page

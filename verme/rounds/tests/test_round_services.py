from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from verme.audit.models import AuditEntry
from verme.organisations.tests.factories import OrganisationFactory
from verme.rounds.models import Round
from verme.rounds.selectors import round_slots, round_themes, slot_table
from verme.rounds.services import (
    RoundData,
    SlotGrid,
    ThemeInput,
    round_close,
    round_copy,
    round_create,
    round_open,
    round_set_themes,
    round_update,
)
from verme.rounds.tests.factories import RoundFactory

pytestmark = pytest.mark.django_db


def _data(**overrides: object) -> RoundData:
    values: dict[str, object] = {
        "name": {"fi": "Verme 2026"},
        "school_year": "2026–2027",
        "signup_opens_on": datetime.date(2026, 8, 10),
        "signup_closes_on": datetime.date(2026, 9, 5),
    }
    values.update(overrides)
    return RoundData(**values)  # type: ignore[arg-type]


def test_a_new_round_is_a_draft_with_the_brochures_defaults() -> None:
    organisation = OrganisationFactory.create()
    round_ = round_create(actor=None, organisation=organisation, data=_data())
    assert round_.status == Round.Status.DRAFT
    assert (round_.meetings_count, round_.meeting_minutes) == (6, 90)
    assert (round_.meetings_from_month, round_.meetings_until_month) == (9, 5)
    assert (round_.group_min, round_.group_target, round_.group_max) == (4, 7, 10)
    table = slot_table(slots=round_slots(round_=round_))
    assert table.time_labels == ["14:00", "15:30", "17:00"]
    assert [row.weekday for row in table.rows] == [0, 1, 2, 3, 4]  # Monday to Friday
    assert all(slot.minutes == 90 for slot in round_slots(round_=round_))
    assert (
        AuditEntry.objects.for_organisation(organisation)
        .filter(action="round.create", object_id=str(round_.pk))
        .exists()
    )


def test_a_school_year_must_be_two_consecutive_years() -> None:
    organisation = OrganisationFactory.create()
    with pytest.raises(ValidationError) as error:
        round_create(actor=None, organisation=organisation, data=_data(school_year="2026–2028"))
    assert "school_year" in error.value.error_dict


def test_sign_up_cannot_close_before_it_opens_and_group_sizes_must_be_ordered() -> None:
    organisation = OrganisationFactory.create()
    with pytest.raises(ValidationError) as error:
        round_create(
            actor=None,
            organisation=organisation,
            data=_data(signup_closes_on=datetime.date(2026, 8, 1), group_target=12),
        )
    assert set(error.value.error_dict) == {"signup_closes_on", "group_target"}


def test_changing_the_slot_grid_keeps_the_slots_that_stay() -> None:
    round_ = RoundFactory.create()
    kept = {(s.weekday, s.starts_at): s.pk for s in round_slots(round_=round_)}
    round_update(
        actor=None,
        round_=round_,
        data=RoundData.of(round_),
        slots=SlotGrid(weekdays=(0, 2), times=(datetime.time(14), datetime.time(16)), minutes=60),
    )
    slots = round_slots(round_=round_)
    assert {(s.weekday, s.time_label) for s in slots} == {
        (0, "14:00"),
        (0, "16:00"),
        (2, "14:00"),
        (2, "16:00"),
    }
    assert slots[0].pk == kept[(0, datetime.time(14))]
    assert all(s.minutes == 60 for s in slots)


def test_a_round_without_themes_cannot_be_opened() -> None:
    round_ = RoundFactory.create(themes=[], opened=False)
    with translation.override("en"), pytest.raises(ValidationError, match="theme"):
        round_open(actor=None, round_=round_)
    round_set_themes(actor=None, round_=round_, themes=[ThemeInput(name={"fi": "Arviointi"})])
    assert round_open(actor=None, round_=round_).status == Round.Status.OPEN
    assert round_close(actor=None, round_=round_).status == Round.Status.CLOSED


def test_themes_can_be_renamed_reordered_and_removed() -> None:
    round_ = RoundFactory.create()
    first, second, *_rest = round_themes(round_=round_)
    round_set_themes(
        actor=None,
        round_=round_,
        themes=[
            ThemeInput(name={"fi": "Uusi nimi"}, theme_id=second.pk),
            ThemeInput(name=first.name, theme_id=first.pk, remove=True),
            ThemeInput(name={"fi": "Kokonaan uusi"}),
        ],
    )
    names = [theme.name.get("fi") for theme in round_themes(round_=round_)]
    assert names[0] == "Uusi nimi"
    assert "Kokonaan uusi" in names
    assert first.name["fi"] not in names


def test_copying_last_years_round_gives_a_draft_a_year_later_with_the_same_themes() -> None:
    source = RoundFactory.create(capacity=40)
    copy = round_copy(actor=None, source=source, school_year="2027–2028")
    assert copy.status == Round.Status.DRAFT
    assert copy.school_year == "2027–2028"
    assert copy.signup_opens_on == source.signup_opens_on.replace(
        year=source.signup_opens_on.year + 1
    )
    assert copy.capacity == 40
    assert [t.name for t in round_themes(round_=copy)] == [
        t.name for t in round_themes(round_=source)
    ]
    assert len(round_slots(round_=copy)) == len(round_slots(round_=source))

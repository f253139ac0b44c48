from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from conftest import Personas
from verme.organisations.tests.factories import UnitFactory
from verme.registrations.importing import MAX_BYTES
from verme.registrations.models import Registration, RegistrationImport
from verme.registrations.tests.factories import RegistrationFactory
from verme.rounds.models import Round
from verme.rounds.selectors import round_slots, round_themes
from verme.rounds.tests.factories import RoundFactory

pytestmark = pytest.mark.django_db


def _hundred(personas: Personas) -> Round:
    round_ = RoundFactory.create(organisation=personas.org_a)
    units = [personas.unit_a] + [
        UnitFactory.create(organisation=personas.org_a, name=f"Koulu {n}") for n in range(4)
    ]
    themes = round_themes(round_=round_)
    slots = round_slots(round_=round_)
    for n in range(100):
        RegistrationFactory.create(
            round=round_,
            unit=units[n % 5],
            first_name=f"Etu{n}",
            job_title="teacher" if n % 3 else "school_assistant",
            themes=[themes[n % 4], themes[(n + 1) % 4]],
            group_language="sv" if n % 4 == 0 else "fi",
            group_kinds=["theme"] if n % 2 else ["subject", "level"],
            slots=slots[n % 5 : n % 5 + 4],
        )
    return round_


def _list_url(round_: Round) -> str:
    return reverse("registrations:list", args=[round_.organisation.slug, round_.pk])


def test_the_list_of_a_hundred_registrations_has_a_fixed_number_of_queries(
    client: Client, personas: Personas, django_assert_max_num_queries: Any
) -> None:
    round_ = _hundred(personas)
    client.force_login(personas.coordinator)
    with django_assert_max_num_queries(16):
        response = client.get(_list_url(round_))
    assert response.status_code == 200
    assert len(response.context["registrations"]) == 100
    counts = response.context["counts"]
    assert sum(c.first for c in counts.themes.values()) == 100
    assert sum(c.any for c in counts.themes.values()) == 200
    assert sum(counts.units.values()) == 100
    assert sorted(counts.languages.values()) == [25, 75]


def test_the_coordinator_filters_by_unit_job_title_theme_kind_language_and_search(
    client: Client, personas: Personas
) -> None:
    round_ = _hundred(personas)
    client.force_login(personas.coordinator)
    theme = round_themes(round_=round_)[0]

    def count(**query: Any) -> int:
        return len(client.get(_list_url(round_), query).context["registrations"])

    assert count(unit=personas.unit_a.pk) == 20
    assert count(job_title="school_assistant") == 34
    assert count(theme=theme.pk) == 50
    assert count(kind="subject") == 50
    assert count(language="sv") == 25
    assert count(q="Etu42") == 1
    assert count(status="waiting") == 0


def test_exports_read_back_as_csv_and_xlsx(client: Client, personas: Personas) -> None:
    round_ = RoundFactory.create(organisation=personas.org_a)
    RegistrationFactory.create(round=round_, first_name="=Åsa", last_name="Öhman")
    client.force_login(personas.coordinator)
    client.cookies["verme_language"] = "en"
    base = reverse("registrations:export", args=[personas.org_a.slug, round_.pk, "csv"])
    text = client.get(base).content.decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text)))
    assert header[:3] == ["First name", "Last name", "Work e-mail"]
    assert row[:2] == ["'=Åsa", "Öhman"]  # a formula is defused
    xlsx = client.get(base.replace("export.csv", "export.xlsx"))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "First name"
    assert rows[1][1] == "Öhman"
    assert "Monday 14:00" in rows[1][rows[0].index("When could you meet?")]
    assert rows[1][rows[0].index("Accepts an online group")] == "no"
    assert client.get(base.replace("export.csv", "export.pdf")).status_code == 404


def test_the_online_answer_is_listed_counted_filtered_and_exported_within_the_organisation(
    client: Client, personas: Personas
) -> None:
    round_ = RoundFactory.create(organisation=personas.org_a)
    for name, accepts in (("Aino", True), ("Eero", True), ("Helmi", False)):
        RegistrationFactory.create(
            round=round_, first_name=name, email=f"{name}@a.example.org", accepts_online=accepts
        )
    elsewhere = RoundFactory.create(organisation=personas.org_b)
    RegistrationFactory.create(
        round=elsewhere, first_name="Björn", email="bjorn@b.example.org", accepts_online=True
    )
    client.force_login(personas.coordinator)
    client.cookies["verme_language"] = "en"

    page = client.get(_list_url(round_)).content.decode()
    assert "2 of them also accept a group that meets online." in page
    assert '<th scope="col">Online group</th>' in page
    online = client.get(_list_url(round_), {"online": "yes"})
    assert [r.first_name for r in online.context["registrations"]] == ["Aino", "Eero"]
    in_person = client.get(_list_url(round_), {"online": "no"})
    assert [r.first_name for r in in_person.context["registrations"]] == ["Helmi"]

    export = reverse("registrations:export", args=[personas.org_a.slug, round_.pk, "csv"])
    text = client.get(export, {"online": "yes"}).content.decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    column = header.index("Accepts an online group")
    assert [(row[0], row[column]) for row in rows] == [("Aino", "yes"), ("Eero", "yes")]

    # The outsider's filter reaches neither organisation A's list nor its export.
    client.force_login(personas.outsider)
    assert client.get(_list_url(round_), {"online": "yes"}).status_code == 404
    assert client.get(export, {"online": "yes"}).status_code == 404


HEADER = (
    "Etunimi,Sukunimi,Sähköposti,Ammattinimike,Yksikkö,Kouluaste,Vuosia ammatissa,"
    "Uusi vai palaava?,Teema,Aika\n"
)


def _csv(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode()


def _upload(client: Client, round_: Round, name: str, content: bytes) -> Any:
    url = reverse("registrations:import_upload", args=[round_.organisation.slug, round_.pk])
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(url, {"file": upload})


def _count(round_: Round) -> int:
    return Registration.objects.for_organisation(round_.organisation).filter(round=round_).count()


def test_an_import_is_checked_first_and_only_good_rows_are_imported_on_confirm(
    client: Client, personas: Personas
) -> None:
    round_ = RoundFactory.create(organisation=personas.org_a)
    client.force_login(personas.coordinator)
    client.cookies["verme_language"] = "en"
    good = "opettaja,Aallon koulu,alakoulu (luokat 1–6),5,uusi ammatissa,Arviointi"
    times = '"ma 14:00; ti 14:00; ke 15:30"'
    response = _upload(
        client,
        round_,
        "lomake.csv",
        _csv(
            f"Aino,Aalto,aino@a.example.org,{good},{times}",
            f"Bertil,Berg,bertil@a.example.org,{good.replace('opettaja', 'astronautti')},{times}",
            f'Cecilia,Cedergren,cecilia@a.example.org,{good},"ma 14:00"',
            f"Daniel,Dahl,aino@a.example.org,{good},{times}",
        ),
    )
    assert response.status_code == 302
    review = client.get(response["Location"])
    report = review.context["report"]
    assert [row.line for row in report.good] == [2]
    assert {row.line: len(row.errors) for row in report.bad} == {3: 1, 4: 1, 5: 1}
    html = review.content.decode()
    assert "is not one of the choices" in html
    assert "Tick at least 3 times" in html
    assert "row 2 already" in html
    assert _count(round_) == 0  # the dry run writes nothing

    confirm = review.context["confirm"]
    data = {k: ("" if v is None else v) for k, v in confirm.initial.items()}
    batch = RegistrationImport.objects.for_organisation(personas.org_a).get()
    client.post(
        reverse("registrations:import_confirm", args=[personas.org_a.slug, round_.pk, batch.pk]),
        data,
    )
    (imported,) = Registration.objects.for_organisation(personas.org_a).filter(round=round_)
    assert (imported.email, imported.source) == ("aino@a.example.org", "import")
    assert imported.available_slots.count() == 3


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("lomake.pdf", b"%PDF", "Choose a CSV or XLSX file."),
        ("lomake.csv", b"\xff\xfe\x00bad", "not UTF-8"),
        ("lomake.xlsx", b"not a zip", "not a readable XLSX"),
        ("lomake.csv", b"a,b\n1,2,3,4\n", "Row 2 has 4 cells"),
        ("lomake.csv", b"a,b\n" + b"1,2\n" * (MAX_BYTES // 4 + 1), "larger than"),
    ],
)
def test_a_malformed_or_oversized_file_is_refused_and_changes_nothing(
    client: Client, personas: Personas, name: str, content: bytes, reason: str
) -> None:
    round_ = RoundFactory.create(organisation=personas.org_a)
    client.force_login(personas.coordinator)
    client.cookies["verme_language"] = "en"
    response = _upload(client, round_, name, content)
    assert response.status_code == 200
    assert reason in response.content.decode()
    assert not RegistrationImport.objects.for_organisation(personas.org_a).exists()


def test_an_xlsx_file_can_be_imported(client: Client, personas: Personas) -> None:
    round_ = RoundFactory.create(organisation=personas.org_a)
    client.force_login(personas.coordinator)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(
        [
            "Aino",
            "Aalto",
            "aino@a.example.org",
            "teacher",
            "Aallon koulu",
            "primary",
            5,
            "new",
            "Assessment",
            "Monday 14:00; Tuesday 14:00; Wednesday 14:00",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = _upload(client, round_, "lomake.xlsx", buffer.getvalue())
    review = client.get(response["Location"])
    assert len(review.context["report"].good) == 1


def test_another_organisations_coordinator_gets_404_for_lists_exports_and_imports(
    client: Client, personas: Personas
) -> None:
    round_ = RoundFactory.create(organisation=personas.org_a)
    client.force_login(personas.outsider)
    for url in (
        _list_url(round_),
        reverse("registrations:export", args=[personas.org_a.slug, round_.pk, "csv"]),
        reverse("registrations:export", args=[personas.org_b.slug, round_.pk, "csv"]),
        reverse("registrations:import_upload", args=[personas.org_b.slug, round_.pk]),
        reverse("rounds:edit", args=[personas.org_b.slug, round_.pk]),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("rounds:close", args=[personas.org_b.slug, round_.pk]))
    assert response.status_code == 404
    round_.refresh_from_db()
    assert round_.status == Round.Status.OPEN


def test_an_import_reads_the_online_answer_written_in_any_language(
    client: Client, personas: Personas
) -> None:
    round_ = RoundFactory.create(organisation=personas.org_a)
    client.force_login(personas.coordinator)
    client.cookies["verme_language"] = "en"
    good = "opettaja,Aallon koulu,alakoulu (luokat 1–6),5,uusi ammatissa,Arviointi"
    times = '"ma 14:00; ti 14:00; ke 14:00"'
    header = HEADER.strip() + ",Hyväksyy verkossa kokoontuvan ryhmän\n"
    rows = [
        f"Aino,Aalto,aino@a.example.org,{good},{times},kyllä",
        f"Bertil,Berg,bertil@a.example.org,{good},{times},nej",
        f"Cecilia,Cedergren,cecilia@a.example.org,{good},{times},",
        f"Daniel,Dahl,daniel@a.example.org,{good},{times},ehkä",
        f"Eero,Eskola,eero@a.example.org,{good},{times},Yes",
    ]
    response = _upload(client, round_, "lomake.csv", (header + "\n".join(rows) + "\n").encode())
    review = client.get(response["Location"])
    report = review.context["report"]
    assert [row.line for row in report.good] == [2, 3, 4, 6]
    ((bad,),) = [row.errors for row in report.bad]
    assert bad == "Accepts an online group: “ehkä” is not one of the choices."

    confirm = review.context["confirm"]
    data = {k: ("" if v is None else v) for k, v in confirm.initial.items()}
    batch = RegistrationImport.objects.for_organisation(personas.org_a).get()
    client.post(
        reverse("registrations:import_confirm", args=[personas.org_a.slug, round_.pk, batch.pk]),
        data,
    )
    imported = Registration.objects.for_organisation(personas.org_a).filter(round=round_)
    assert {r.first_name: r.accepts_online for r in imported} == {
        "Aino": True,
        "Bertil": False,
        "Cecilia": False,
        "Eero": True,
    }

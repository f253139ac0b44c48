from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from conftest import Personas
from verme.announcements.models import Announcement, OptOut, Recipient
from verme.announcements.services import announcement_send
from verme.announcements.tests.factories import a_round, an_announcement, csv_bytes
from verme.notifications.models import OutboundEmail
from verme.tests.mail import Mailbox

pytestmark = pytest.mark.django_db

STAFF = (
    "Anna Aalto,anna@example.org,fi",
    "Bo Berg,bo@example.org,sv",
    "Clara Clark,clara@example.org,en",
)


def _upload(client: Client, personas: Personas, round_id: int, data: bytes) -> Any:
    client.force_login(personas.coordinator)
    return client.post(
        reverse("announcements:round", kwargs={"slug": personas.org_a.slug, "round_id": round_id}),
        {"staff_list": SimpleUploadedFile("staff.csv", data, content_type="text/csv")},
    )


def test_upload_previews_good_rows_and_reports_bad_rows_without_queuing_anything(
    client: Client, personas: Personas
) -> None:
    round_ = a_round(organisation=personas.org_a)
    response = _upload(
        client, personas, round_.pk, csv_bytes(*STAFF, "Broken,broken-address,fi", "Nobody,,sv")
    )

    announcement = Announcement.objects.for_organisation(personas.org_a).get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "announcements:detail", kwargs={"slug": personas.org_a.slug, "pk": announcement.pk}
    )
    preview = client.get(response["Location"])
    content = preview.content.decode()
    assert "anna@example.org" in content
    assert "broken-address" in content
    assert "Ilmoittaudu Verme-vertaisryhmämentorointiin: Verme syksy" in content  # the message,
    assert "Anmäl dig till Verme gruppmentorskap: Verme hösten" in content  # in each language
    assert "Line" in content or "Rivi" in content
    assert [row["line"] for row in announcement.rejected_rows] == [5, 6]
    assert announcement.status == Announcement.Status.DRAFT
    assert not OutboundEmail.objects.unscoped().exists()


def test_a_file_that_is_not_a_staff_list_is_refused_on_the_form(
    client: Client, personas: Personas
) -> None:
    round_ = a_round(organisation=personas.org_a)
    response = _upload(client, personas, round_.pk, b"name,phone\nAnna,040\n")
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert not Announcement.objects.for_organisation(personas.org_a).exists()


def test_announcement_arrives_in_each_recipients_language_and_unsubscribe_is_respected(
    client: Client, personas: Personas, mailbox: Mailbox, django_capture_on_commit_callbacks: Any
) -> None:
    round_ = a_round(organisation=personas.org_a)
    _upload(client, personas, round_.pk, csv_bytes(*STAFF))
    announcement = Announcement.objects.for_organisation(personas.org_a).get()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(
                "announcements:send", kwargs={"slug": personas.org_a.slug, "pk": announcement.pk}
            )
        )
    assert response.status_code == 302

    (finnish,) = mailbox.to("anna@example.org")
    (swedish,) = mailbox.to("bo@example.org")
    (english,) = mailbox.to("clara@example.org")
    assert "Verme syksy" in finnish["Subject"]
    assert "Verme hösten" in swedish["Subject"]
    assert (
        str(english["Subject"])
        .strip()
        .startswith("Sign up for Verme peer-group mentoring: Verme autumn")
    )
    assert "Hej Bo Berg" in Mailbox.text(swedish)
    assert "Hei Anna Aalto" in Mailbox.text(finnish)

    text = Mailbox.text(swedish)
    match = re.search(r"https?://[^/\s]+(/o/[^\s]+/unsubscribe/[^\s/]+/)", text)
    assert match is not None
    path = match.group(1)
    assert str(swedish["List-Unsubscribe"]).strip() == f"<http://127.0.0.1:8000{path}>"
    assert swedish["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    anonymous = Client()
    page = anonymous.get(path)
    assert page.status_code == 200
    assert page["Content-Language"] == "sv"
    assert '<form method="post">' in page.content.decode()
    assert not OptOut.objects.for_organisation(personas.org_a).exists()  # a GET changes nothing

    assert anonymous.post(path).status_code == 200
    assert OptOut.objects.for_organisation(personas.org_a).get().email == "bo@example.org"
    assert '<form method="post">' not in anonymous.get(path).content.decode()

    second = an_announcement(round_=round_, actor=personas.coordinator, rows=list(STAFF))
    with django_capture_on_commit_callbacks(execute=True):
        announcement_send(actor=personas.coordinator, announcement=second)
    assert len(mailbox.to("anna@example.org")) == 2
    assert len(mailbox.to("bo@example.org")) == 1
    skipped = Recipient.objects.for_organisation(personas.org_a).get(
        announcement=second, email="bo@example.org"
    )
    assert skipped.status == Recipient.Status.SKIPPED
    assert skipped.outbound_email is None


def test_mail_programs_one_click_unsubscribe_works_without_a_csrf_token(
    personas: Personas,
) -> None:
    round_ = a_round(organisation=personas.org_a)
    announcement = an_announcement(round_=round_, actor=None, rows=[STAFF[0]])
    recipient = Recipient.objects.for_organisation(personas.org_a).get(announcement=announcement)
    path = reverse(
        "announcements:unsubscribe", kwargs={"slug": personas.org_a.slug, "token": recipient.token}
    )
    response = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert OptOut.objects.for_organisation(personas.org_a).filter(email=recipient.email).exists()


def test_an_announcement_is_sent_only_once_and_only_for_an_open_round(personas: Personas) -> None:
    draft_round = a_round(organisation=personas.org_a, opened=False)
    draft = an_announcement(round_=draft_round, actor=None, rows=[STAFF[0]])
    with translation.override("en"), pytest.raises(ValidationError, match="Open the round"):
        announcement_send(actor=None, announcement=draft)

    open_round = a_round(organisation=personas.org_a, name="Toinen")
    sent = announcement_send(
        actor=None, announcement=an_announcement(round_=open_round, actor=None, rows=[STAFF[0]])
    )
    with translation.override("en"), pytest.raises(ValidationError, match="already been sent"):
        announcement_send(actor=None, announcement=sent)


def test_an_unsubscribe_link_does_not_work_under_another_organisations_address(
    client: Client, personas: Personas
) -> None:
    round_ = a_round(organisation=personas.org_a)
    announcement = an_announcement(round_=round_, actor=None, rows=[STAFF[0]])
    token = Recipient.objects.for_organisation(personas.org_a).get(announcement=announcement).token
    response = client.get(
        reverse("announcements:unsubscribe", kwargs={"slug": personas.org_b.slug, "token": token})
    )
    assert response.status_code == 404

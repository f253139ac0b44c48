from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from verme.accounts.models import User
from verme.audit.services import audit_record
from verme.notifications.services import email_queue
from verme.registrations.importing import check_rows, read_table
from verme.registrations.models import Registration, RegistrationImport, normalise_email
from verme.registrations.validation import RegistrationData, registration_validate
from verme.rounds.models import Round

CONFIRMATION_EMAIL = "registrations/email/confirmation"
CANCELLED_EMAIL = "registrations/email/cancelled"


def _status_for_new(round_: Round) -> Registration.Status:
    if round_.signup_closed():
        return Registration.Status.WAITING
    if round_.capacity is not None:
        taken = (
            Registration.objects.for_organisation(round_.organisation)
            .filter(round=round_, status=Registration.Status.REGISTERED)
            .count()
        )
        if taken >= round_.capacity:
            return Registration.Status.WAITING
    return Registration.Status.REGISTERED


def _snapshot(registration: Registration) -> dict[str, Any]:
    return {"email": registration.email, "status": registration.status}


def _find_existing(*, round_: Round, email: str) -> Registration | None:
    return (
        Registration.objects.for_organisation(round_.organisation)
        .filter(round=round_, email=email)
        .first()
    )


def _place_late(registration: Registration) -> None:
    from verme.groups.services import registration_place_late  # groups build on registrations

    registration_place_late(registration=registration)


@transaction.atomic
def _submit_once(
    *,
    round_: Round,
    data: RegistrationData,
    language: str,
    user: User | None,
    source: Registration.Source,
    notify: bool,
) -> Registration:
    organisation = round_.organisation
    # Lock the round so that places beyond the capacity are counted one submission at a time.
    Round.objects.for_organisation(organisation).select_for_update().filter(pk=round_.pk).first()
    existing = _find_existing(round_=round_, email=normalise_email(data.email))
    before = _snapshot(existing) if existing else None
    registration = registration_validate(round_=round_, data=data, registration=existing)
    if existing is None or existing.status == Registration.Status.CANCELLED:
        registration.status = _status_for_new(round_)
    registration.language = language
    registration.user = user or registration.user
    if existing is None:
        registration.source = source
    registration.save()
    registration.available_slots.set(data.slots)
    if registration.status == Registration.Status.REGISTERED and (
        before is None or before["status"] == Registration.Status.CANCELLED
    ):
        # After publishing, a new sign-up joins an existing group or the waiting list.
        transaction.on_commit(lambda: _place_late(registration))
    audit_record(
        actor=user,
        organisation=organisation,
        action="registration.update" if existing else "registration.create",
        obj=registration,
        before=before,
        after=_snapshot(registration),
    )
    if notify:
        email_queue(
            organisation=organisation,
            to=registration.email,
            template=CONFIRMATION_EMAIL,
            context={"registration": registration, "updated": existing is not None},
            language=language,
        )
    return registration


def registration_submit(
    *,
    round_: Round,
    data: RegistrationData,
    language: str,
    user: User | None = None,
    source: Registration.Source = Registration.Source.FORM,
    notify: bool = True,
) -> Registration:
    """Sign up for a round, or update the sign-up when the e-mail has one in the round already.

    New sign-ups after close or beyond the capacity go to the waiting list. The person gets a
    confirmation e-mail in their language with the private link.
    """
    kwargs: dict[str, Any] = {
        "round_": round_,
        "data": data,
        "language": language,
        "user": user,
        "source": source,
        "notify": notify,
    }
    try:
        return _submit_once(**kwargs)
    except IntegrityError:
        # The same address was submitted at the same moment and its insert won: update that row.
        return _submit_once(**kwargs)


@transaction.atomic
def registration_update(*, registration: Registration, data: RegistrationData) -> Registration:
    """The registrant edits their sign-up through the private link while sign-up is open."""
    if registration.round.signup_closed():
        raise ValidationError(
            _("Sign-up has closed, so the registration can no longer be changed.")
        )
    if normalise_email(data.email) != registration.email:
        raise ValidationError(
            {"email": _("The e-mail address cannot be changed. Cancel and sign up again instead.")}
        )
    return _submit_once(
        round_=registration.round,
        data=data,
        language=registration.language,
        user=registration.user,
        source=Registration.Source(registration.source),
        notify=True,
    )


@transaction.atomic
def registration_cancel(*, registration: Registration, actor: User | None = None) -> Registration:
    """Withdraw a registration; the person gets an e-mail saying so."""
    if registration.status == Registration.Status.CANCELLED:
        return registration
    before = _snapshot(registration)
    registration.status = Registration.Status.CANCELLED
    registration.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        organisation=registration.organisation,
        action="registration.cancel",
        obj=registration,
        before=before,
        after=_snapshot(registration),
    )
    email_queue(
        organisation=registration.organisation,
        to=registration.email,
        template=CANCELLED_EMAIL,
        context={"registration": registration},
        language=registration.language,
    )
    return registration


@transaction.atomic
def registration_import_start(
    *, actor: User, round_: Round, file_name: str, content: bytes
) -> RegistrationImport:
    """Read a file and keep its rows for the dry run; nothing is registered yet.

    Raises ``ImportRefused`` with reasons when the file is malformed or too big.
    """
    headers, rows = read_table(file_name=file_name, content=content)
    batch = RegistrationImport(
        organisation=round_.organisation,
        round=round_,
        created_by=actor,
        file_name=file_name[:255],
        headers=headers,
        rows=rows,
    )
    batch.full_clean()
    batch.save()
    audit_record(
        actor=actor,
        organisation=round_.organisation,
        action="registration_import.upload",
        obj=batch,
        after={"file": batch.file_name, "rows": len(rows)},
    )
    return batch


@transaction.atomic
def registration_import_confirm(
    *, actor: User, batch: RegistrationImport, mapping: dict[str, int], notify: bool
) -> int:
    """Register every good row of a checked file (an address already in the round is updated).

    Bad rows are skipped; the report of the dry run named them. Returns how many were imported.
    """
    if batch.imported_at is not None:
        raise ValidationError(_("This file has been imported already."))
    round_ = batch.round
    report = check_rows(round_=round_, rows=batch.rows, mapping=mapping)
    language = round_.organisation.languages[0]
    for row in report.good:
        if row.data is None:  # a good row always has its data; this narrows the type
            continue
        registration_submit(
            round_=round_,
            data=row.data,
            language=language,
            source=Registration.Source.IMPORT,
            notify=notify,
        )
    batch.imported_count = len(report.good)
    batch.imported_at = timezone.now()
    batch.save(update_fields=["imported_count", "imported_at"])
    audit_record(
        actor=actor,
        organisation=round_.organisation,
        action="registration_import.confirm",
        obj=batch,
        after={"imported": len(report.good), "skipped": [r.line for r in report.bad]},
    )
    return len(report.good)

from __future__ import annotations

from typing import Any

from django.db import models

from verme.accounts.models import User
from verme.audit.models import AuditEntry
from verme.organisations.models import Organisation


def audit_record(
    *,
    actor: User | None,
    organisation: Organisation | None,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record that ``actor`` did ``action`` to ``obj``; call inside the change's transaction."""
    return AuditEntry.objects.create(
        organisation=organisation,
        actor=actor,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        before=before,
        after=after,
    )

from __future__ import annotations

from verme.audit.models import AuditEntry
from verme.organisations.models import Organisation
from verme.organisations.tenancy import TenantQuerySet


def audit_entries_for_organisation(
    *, organisation: Organisation, limit: int = 100
) -> TenantQuerySet[AuditEntry]:
    """The newest entries of one organisation, with the actor fetched in the same query."""
    return AuditEntry.objects.for_organisation(organisation).select_related("actor")[:limit]

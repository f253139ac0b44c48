from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from verme.audit.models import AuditEntry
from verme.organisations.admin import NetworkAdminMixin


@admin.register(AuditEntry)
class AuditEntryAdmin(NetworkAdminMixin, admin.ModelAdmin[AuditEntry]):
    list_display = ("at", "organisation", "actor", "action", "object_repr")
    list_filter = ("action", "organisation")
    search_fields = ("object_repr", "action")
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

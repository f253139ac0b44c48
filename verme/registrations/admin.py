from __future__ import annotations

from django.contrib import admin

from verme.organisations.admin import NetworkAdminMixin
from verme.registrations.models import Registration, RegistrationImport


@admin.register(Registration)
class RegistrationAdmin(NetworkAdminMixin, admin.ModelAdmin[Registration]):
    list_display = ("__str__", "organisation", "round", "status", "job_title", "created_at")
    list_filter = ("organisation", "status", "job_title", "accepts_online")
    search_fields = ("email", "last_name")
    exclude = ("token",)
    filter_horizontal = ("available_slots",)


@admin.register(RegistrationImport)
class RegistrationImportAdmin(NetworkAdminMixin, admin.ModelAdmin[RegistrationImport]):
    list_display = ("file_name", "organisation", "round", "imported_count", "created_at")
    list_filter = ("organisation",)
    exclude = ("rows",)

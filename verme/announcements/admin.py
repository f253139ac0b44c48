from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from verme.announcements.models import Announcement, OptOut, Recipient
from verme.organisations.admin import NetworkAdminMixin


class RecipientInline(NetworkAdminMixin, admin.TabularInline[Recipient, Announcement]):
    model = Recipient
    extra = 0
    fields = ("line", "name", "email", "language", "status")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Announcement | None = None) -> bool:
        return False


@admin.register(Announcement)
class AnnouncementAdmin(NetworkAdminMixin, admin.ModelAdmin[Announcement]):
    list_display = ("created_at", "organisation", "round", "status", "sent_at")
    list_filter = ("status", "organisation")
    readonly_fields = ("rejected_rows", "created_by", "sent_by", "sent_at")
    inlines = [RecipientInline]


@admin.register(OptOut)
class OptOutAdmin(NetworkAdminMixin, admin.ModelAdmin[OptOut]):
    list_display = ("email", "organisation", "created_at")
    list_filter = ("organisation",)
    search_fields = ("email",)
    readonly_fields = ("recipient",)

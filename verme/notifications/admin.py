from __future__ import annotations

from django.contrib import admin

from verme.notifications.models import OutboundEmail
from verme.organisations.admin import NetworkAdminMixin


@admin.register(OutboundEmail)
class OutboundEmailAdmin(NetworkAdminMixin, admin.ModelAdmin[OutboundEmail]):
    list_display = ("created_at", "organisation", "template", "to", "status", "attempts")
    list_filter = ("status", "template", "organisation")
    search_fields = ("to", "subject")
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]

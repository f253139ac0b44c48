from __future__ import annotations

from django.contrib import admin

from verme.organisations.admin import NetworkAdminMixin
from verme.rounds.models import Round, Theme, TimeSlot


class ThemeInline(NetworkAdminMixin, admin.TabularInline[Theme, Round]):
    model = Theme
    extra = 0


class TimeSlotInline(NetworkAdminMixin, admin.TabularInline[TimeSlot, Round]):
    model = TimeSlot
    extra = 0


@admin.register(Round)
class RoundAdmin(NetworkAdminMixin, admin.ModelAdmin[Round]):
    list_display = ("__str__", "organisation", "school_year", "status", "signup_closes_on")
    list_filter = ("organisation", "status")
    inlines = [ThemeInline, TimeSlotInline]

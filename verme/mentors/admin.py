from __future__ import annotations

from django.contrib import admin

from verme.mentors.models import Mentor, RoundMentor
from verme.organisations.admin import NetworkAdminMixin


@admin.register(Mentor)
class MentorAdmin(NetworkAdminMixin, admin.ModelAdmin[Mentor]):
    list_display = ("name", "email", "organisation", "unit")
    list_filter = ("organisation",)
    search_fields = ("name", "email")


@admin.register(RoundMentor)
class RoundMentorAdmin(NetworkAdminMixin, admin.ModelAdmin[RoundMentor]):
    list_display = ("mentor", "round", "capacity")
    filter_horizontal = ("slots", "themes")

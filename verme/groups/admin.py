from __future__ import annotations

from django.contrib import admin

from verme.groups.models import Group, GroupMember, LatePlacement, Proposal
from verme.organisations.admin import NetworkAdminMixin


@admin.register(Proposal)
class ProposalAdmin(NetworkAdminMixin, admin.ModelAdmin[Proposal]):
    list_display = ("__str__", "organisation", "round", "status", "created_at")
    list_filter = ("organisation", "status")
    exclude = ("problem", "solution")


@admin.register(Group)
class GroupAdmin(NetworkAdminMixin, admin.ModelAdmin[Group]):
    list_display = ("__str__", "organisation", "round", "round_mentor", "slot", "language")
    list_filter = ("organisation",)


@admin.register(GroupMember)
class GroupMemberAdmin(NetworkAdminMixin, admin.ModelAdmin[GroupMember]):
    list_display = ("__str__", "joined_late", "created_at")


@admin.register(LatePlacement)
class LatePlacementAdmin(NetworkAdminMixin, admin.ModelAdmin[LatePlacement]):
    list_display = ("__str__", "organisation", "reason", "created_at")
    list_filter = ("organisation", "reason")

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.options import BaseModelAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from verme.organisations.models import Membership, Organisation, Unit


class NetworkAdminMixin(BaseModelAdmin[Any]):
    """Admin pages are for network admins, who work across organisations: unscoped on purpose."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        manager: Any = self.model._default_manager
        queryset: QuerySet[Any] = (
            manager.unscoped() if hasattr(manager, "unscoped") else manager.all()
        )
        return queryset


class UnitInline(NetworkAdminMixin, admin.TabularInline[Unit, Organisation]):
    model = Unit
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ("slug", "display_name", "time_zone")
    search_fields = ("slug",)
    inlines = [UnitInline]


@admin.register(Unit)
class UnitAdmin(NetworkAdminMixin, admin.ModelAdmin[Unit]):
    list_display = ("name", "organisation", "kind", "region", "is_active")
    list_filter = ("organisation", "kind")
    search_fields = ("name",)


@admin.register(Membership)
class MembershipAdmin(NetworkAdminMixin, admin.ModelAdmin[Membership]):
    list_display = ("user", "organisation", "role", "unit")
    list_filter = ("organisation", "role")
    search_fields = ("user__email",)
    autocomplete_fields = ("user",)

"""The Django admin, open to network admins only (they work across organisations)."""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class VermeAdminSite(AdminSite):
    site_header = _("Verme administration")
    site_title = _("Verme administration")
    index_title = _("Network administration")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and getattr(user, "is_network_admin", False) and user.is_staff)


class VermeAdminConfig(AdminConfig):
    default_site = "verme.admin_site.VermeAdminSite"

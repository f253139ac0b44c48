from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("verme.pages.urls")),
    path("", include("verme.accounts.urls")),
    path("", include("verme.rounds.urls")),  # before organisations: /o/<slug>/rounds/
    path("", include("verme.registrations.urls")),
    path("", include("verme.announcements.urls")),
    path("", include("verme.mentors.urls")),
    path("", include("verme.groups.urls")),
    path("", include("verme.organisations.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

from django.urls import path

from verme.registrations import views

app_name = "registrations"

ROUND = "o/<slug:slug>/rounds/<int:pk>/"

urlpatterns = [
    path(f"{ROUND}sign-up/", views.signup, name="signup"),
    path("r/<str:token>/", views.private, name="private"),
    path("r/<str:token>/edit/", views.private_edit, name="private_edit"),
    path("r/<str:token>/cancel/", views.private_cancel, name="private_cancel"),
    path(f"{ROUND}registrations/", views.registration_list, name="list"),
    path(f"{ROUND}registrations/export.<str:fmt>", views.registration_export, name="export"),
    path(f"{ROUND}registrations/import/", views.import_upload, name="import_upload"),
    path(
        f"{ROUND}registrations/import/<int:import_pk>/",
        views.import_review,
        name="import_review",
    ),
    path(
        f"{ROUND}registrations/import/<int:import_pk>/confirm/",
        views.import_confirm,
        name="import_confirm",
    ),
]

from django.urls import path

from verme.announcements import views

app_name = "announcements"

urlpatterns = [
    # Public: while the round is open, anyone may read, embed and subscribe to these.
    path(
        "o/<slug:slug>/announcements/rounds/<int:round_id>/",
        views.round_page,
        name="page",
    ),
    path(
        "o/<slug:slug>/announcements/rounds/<int:round_id>/snippet/",
        views.round_snippet,
        name="snippet",
    ),
    path("o/<slug:slug>/announcements/feed/", views.rounds_feed, name="feed"),
    path(
        "o/<slug:slug>/announcements/unsubscribe/<str:token>/",
        views.unsubscribe,
        name="unsubscribe",
    ),
    # The organisation's coordinators and admins.
    path(
        "o/<slug:slug>/announcements/rounds/<int:round_id>/manage/",
        views.round_announcements_view,
        name="round",
    ),
    path("o/<slug:slug>/announcements/<int:pk>/", views.announcement_detail, name="detail"),
    path("o/<slug:slug>/announcements/<int:pk>/send/", views.announcement_send_view, name="send"),
]

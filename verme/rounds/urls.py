from django.urls import path

from verme.rounds import views

app_name = "rounds"

urlpatterns = [
    path("o/<slug:slug>/rounds/", views.round_list, name="list"),
    path("o/<slug:slug>/rounds/new/", views.round_create_view, name="create"),
    path("o/<slug:slug>/rounds/<int:pk>/", views.round_detail, name="detail"),
    path("o/<slug:slug>/rounds/<int:pk>/edit/", views.round_edit, name="edit"),
    path("o/<slug:slug>/rounds/<int:pk>/themes/", views.round_themes_view, name="themes"),
    path("o/<slug:slug>/rounds/<int:pk>/copy/", views.round_copy_view, name="copy"),
    path("o/<slug:slug>/rounds/<int:pk>/open/", views.round_open_view, name="open"),
    path("o/<slug:slug>/rounds/<int:pk>/close/", views.round_close_view, name="close"),
]

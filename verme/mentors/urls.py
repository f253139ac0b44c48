from django.urls import path

from verme.mentors import views

app_name = "mentors"

urlpatterns = [
    path("o/<slug:slug>/rounds/<int:pk>/mentors/", views.mentor_list, name="list"),
    path("o/<slug:slug>/rounds/<int:pk>/mentors/new/", views.mentor_add, name="add"),
    path(
        "o/<slug:slug>/rounds/<int:pk>/mentors/<int:mentor_pk>/",
        views.mentor_edit,
        name="edit",
    ),
    path(
        "o/<slug:slug>/rounds/<int:pk>/mentors/<int:mentor_pk>/remove/",
        views.mentor_remove,
        name="remove",
    ),
]

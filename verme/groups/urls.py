from django.urls import path

from verme.groups import views

app_name = "groups"

urlpatterns = [
    path("o/<slug:slug>/rounds/<int:pk>/groups/", views.proposal_list, name="proposals"),
    path("o/<slug:slug>/rounds/<int:pk>/groups/compare/", views.proposal_compare, name="compare"),
    path("o/<slug:slug>/proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("o/<slug:slug>/proposals/<int:pk>/move/", views.proposal_move, name="move"),
    path("o/<slug:slug>/proposals/<int:pk>/pin/", views.proposal_pin_view, name="pin"),
    path("o/<slug:slug>/proposals/<int:pk>/rerun/", views.proposal_rerun, name="rerun"),
    path("o/<slug:slug>/proposals/<int:pk>/publish/", views.proposal_publish_view, name="publish"),
]

from django.urls import path

from verme.organisations import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("o/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("o/<slug:slug>/<str:role>/", views.role_dashboard, name="role_dashboard"),
]

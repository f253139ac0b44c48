from django.urls import path

from verme.pages import views

urlpatterns = [
    path("", views.front, name="front"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("healthz", views.healthz, name="healthz"),
]

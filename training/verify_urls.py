"""The public certificate check, mounted at /verifier/ (no login, no second factor)."""

from django.urls import path

from training import views

app_name = "verify"

urlpatterns = [
    path("", views.verify_form, name="form"),
    path("<str:code>/", views.verify, name="code"),
]

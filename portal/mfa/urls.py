from django.urls import path

from portal.mfa import views

urlpatterns = [
    path("2fa/verification/", views.authenticate, name="mfa_authenticate"),
    path("2fa/enrolement/", views.enrol, name="mfa_enrol"),
    path("securite/", views.security, name="mfa_security"),
    path("securite/codes-de-secours/", views.recovery_codes, name="mfa_recovery_codes"),
    path("securite/codes-de-secours/regenerer/", views.regenerate_codes, name="mfa_regenerate"),
    path("securite/application/", views.replace_device, name="mfa_replace"),
    path("securite/sessions/", views.logout_other_sessions, name="mfa_logout_others"),
]

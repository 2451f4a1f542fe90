from django.urls import path

from registry.incidents import views

app_name = "incidents"

urlpatterns = [
    path("", views.index, name="index"),
    path("signaler/", views.report, name="report"),
    path("registre/", views.register, name="register"),
    path("registre.csv", views.register_csv, name="register_csv"),
    path("registre.pdf", views.register_pdf, name="register_pdf"),
    path("<uuid:incident_id>/", views.detail, name="detail"),
    path("<uuid:incident_id>/reflexe/", views.reflex, name="reflex"),
    path("<uuid:incident_id>/evaluation/", views.assess, name="assess"),
    path("<uuid:incident_id>/cnil/", views.filing, name="filing"),
    path("<uuid:incident_id>/suivi/", views.follow_up, name="follow_up"),
    path("<uuid:incident_id>/notification/", views.notification, name="notification"),
    path("<uuid:incident_id>/correction/", views.correct, name="correct"),
    path("<uuid:incident_id>/retrait/", views.withdrawal, name="withdrawal"),
    path("<uuid:incident_id>/cnil/<uuid:filing_id>/", views.filing_edit, name="filing_edit"),
]

from django.urls import path

from training import views

app_name = "training"

urlpatterns = [
    path("", views.index, name="index"),
    path("commencer/", views.start, name="start"),
    path("sessions/<uuid:attempt_id>/lecons/<int:position>/", views.lesson, name="lesson"),
    path("sessions/<uuid:attempt_id>/quiz/", views.quiz, name="quiz"),
    path("sessions/<uuid:attempt_id>/", views.result, name="result"),
    path("certificats/<uuid:certificate_id>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("equipe/", views.team, name="team"),
    path("equipe/obligations/", views.requirements, name="requirements"),
    path("attestations/", views.attestations, name="attestations"),
    path("attestations/<uuid:attestation_id>/", views.attestation_map, name="attestation_map"),
    path(
        "attestations/<uuid:attestation_id>/supprimer/",
        views.attestation_delete,
        name="attestation_delete",
    ),
    path(
        "attestations/<uuid:attestation_id>/fichier/",
        views.attestation_file,
        name="attestation_file",
    ),
]

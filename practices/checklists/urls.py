from django.urls import path

from practices.checklists import views

app_name = "checklists"

urlpatterns = [
    path("", views.index, name="index"),
    path("activer/", views.activate, name="activate"),
    path("periodes/<uuid:run_id>/", views.run_detail, name="run"),
    path("actions/<uuid:answer_id>/corrigee/", views.fix, name="fix"),
    path("sauvegardes/", views.backups, name="backups"),
    path("sauvegardes/copies/<uuid:copy_id>/", views.backup_copy_edit, name="copy_edit"),
    path(
        "sauvegardes/copies/<uuid:copy_id>/supprimer/",
        views.backup_copy_delete,
        name="copy_delete",
    ),
    path("sauvegardes/tests/<uuid:test_id>/", views.restore_test_edit, name="test_edit"),
    path(
        "sauvegardes/tests/<uuid:test_id>/supprimer/",
        views.restore_test_delete,
        name="test_delete",
    ),
    path("mes-engagements/", views.my_attestations, name="attestations"),
    path("listes/<uuid:checklist_id>/historique/", views.history, name="history"),
    path("listes/<uuid:checklist_id>/reglages/", views.settings_view, name="settings"),
]

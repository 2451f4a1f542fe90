from django.urls import path

from practices.checklists import views

app_name = "checklists"

urlpatterns = [
    path("", views.index, name="index"),
    path("activer/", views.activate, name="activate"),
    path("periodes/<uuid:run_id>/", views.run_detail, name="run"),
    path("actions/<uuid:answer_id>/corrigee/", views.fix, name="fix"),
    path("sauvegardes/", views.backups, name="backups"),
    path("mes-engagements/", views.my_attestations, name="attestations"),
    path("listes/<uuid:checklist_id>/historique/", views.history, name="history"),
    path("listes/<uuid:checklist_id>/reglages/", views.settings_view, name="settings"),
]

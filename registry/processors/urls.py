from django.urls import path

from registry.processors import views

app_name = "processors"

urlpatterns = [
    path("", views.index, name="index"),
    path("nouveau/", views.create, name="create"),
    path("<uuid:processor_id>/", views.detail, name="detail"),
    path("<uuid:processor_id>/modifier/", views.edit, name="edit"),
    path("<uuid:processor_id>/supprimer/", views.delete, name="delete"),
    path("<uuid:processor_id>/contrat.pdf", views.contract_file, name="contract_file"),
]

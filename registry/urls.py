from django.urls import path

from registry import views

app_name = "registry"

urlpatterns = [
    path("", views.index, name="index"),
    path("en-tete/", views.header, name="header"),
    path("demarrer/", views.start, name="start"),
    path("fiches/nouvelle/", views.create, name="create"),
    path("fiches/<uuid:activity_id>/", views.detail, name="detail"),
    path("fiches/<uuid:activity_id>/modifier/", views.edit, name="edit"),
    path("fiches/<uuid:activity_id>/relue/", views.review, name="review"),
    path("fiches/<uuid:activity_id>/statut/", views.status, name="status"),
    path("fiches/<uuid:activity_id>/historique/", views.history, name="history"),
    *[
        path(f"registre.{fmt}", views.export, {"fmt": fmt}, name=f"export_{fmt}")
        for fmt in ("ods", "xlsx", "csv", "pdf")
    ],
]

from django.urls import path

from registry.rights import views

app_name = "rights"

urlpatterns = [
    path("", views.index, name="index"),
    path("nouvelle/", views.create, name="create"),
    path("registre.csv", views.register_csv, name="register_csv"),
    path("registre.pdf", views.register_pdf, name="register_pdf"),
    path("<uuid:request_id>/", views.detail, name="detail"),
    path("<uuid:request_id>/modifier/", views.edit, name="edit"),
    path("<uuid:request_id>/prolongation/", views.extend, name="extend"),
    path("<uuid:request_id>/reponse/", views.answer, name="answer"),
    *[
        path(
            f"<uuid:request_id>/courrier-{name}/",
            views.letter,
            {"letter": letter},
            name=f"letter_{letter}",
        )
        for name, letter in (
            ("accuse", "acknowledgment"),
            ("prolongation", "extension"),
            ("reponse", "answer"),
        )
    ],
]

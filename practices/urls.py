from django.urls import path

from practices import views

app_name = "practices"

urlpatterns = [
    path("cabinet/", views.settings_view, name="settings"),
    path("equipe/", views.members, name="members"),
    path("equipe/inviter/", views.invite, name="invite"),
    path("equipe/quitter/", views.leave, name="leave"),
    path("equipe/<uuid:member_id>/", views.member_edit, name="member_edit"),
    path("equipe/<uuid:member_id>/retirer/", views.member_remove, name="member_remove"),
    path(
        "equipe/<uuid:member_id>/reinitialiser-2fa/",
        views.member_reset_mfa,
        name="member_reset_mfa",
    ),
    path(
        "invitations/<uuid:invitation_id>/renvoyer/",
        views.invitation_action,
        {"action": "resend"},
        name="invitation_resend",
    ),
    path(
        "invitations/<uuid:invitation_id>/annuler/",
        views.invitation_action,
        {"action": "revoke"},
        name="invitation_revoke",
    ),
    path("delegues/<uuid:oversight_id>/retirer/", views.oversight_revoke, name="oversight_revoke"),
    path("journal/", views.audit_log, name="audit"),
    path("journal/verifier/", views.audit_verify, name="audit_verify"),
]

# Outside any practice: mounted at the top level by portal.urls, without namespace.
account_urlpatterns = [
    path("cabinets/nouveau/", views.create, name="practice_create"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]

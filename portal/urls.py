from django.urls import include, path
from django.views.generic import RedirectView

from portal import console_views, views
from portal.languages import set_language
from practices.urls import account_urlpatterns as practice_account_urls

practice_urls = [
    path("", views.practice_dashboard, name="dashboard"),
    path("", include("practices.urls")),
    path("incidents/", include("registry.incidents.urls")),
    path("droits/", include("registry.rights.urls")),
    path("controles/", include("practices.checklists.urls")),
    path("registre/sous-traitants/", include("registry.processors.urls")),
    path("registre/", include("registry.urls")),
    path("formation/", include("training.urls")),
    path("documents/", include("documents.urls")),
    path("suggestions/", console_views.practice_suggestions, name="suggestions"),
    path(
        "suggestions/<uuid:suggestion_id>/accepter/",
        console_views.suggestion_decide,
        {"decision": "accept"},
        name="suggestion_accept",
    ),
    path(
        "suggestions/<uuid:suggestion_id>/refuser/",
        console_views.suggestion_decide,
        {"decision": "decline"},
        name="suggestion_decline",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("portal.mfa.urls")),
    # allauth's own pages for linked accounts would unlink PSC without Vigie's checks (another
    # way in kept, User.rpps, the audit trail) and sign up through it: the security page does.
    path("accounts/3rdparty/", RedirectView.as_view(pattern_name="mfa_security")),
    path("accounts/3rdparty/signup/", RedirectView.as_view(pattern_name="account_login")),
    path("accounts/", include("allauth.urls")),
    path("notifications/", include("portal.notifications.urls")),
    path("verifier/", include("training.verify_urls")),
    path("p/<slug:practice_slug>/", include(practice_urls)),
    path("", include(practice_account_urls)),
    path("delegue/", console_views.console_page, name="delegate_console"),
    path("delegue/export.csv", console_views.console_csv, name="delegate_console_csv"),
    path("delegue/suggestions/", console_views.suggest, name="delegate_suggest"),
    path("admin/", views.admin_site.urls),
]

# No /media/ route, not even with DEBUG: uploads (attestations) are served only by the
# views that check who asks (training.views.attestation_file).

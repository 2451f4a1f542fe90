from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_otp.admin import OTPAdminSite

from portal import spaces
from portal.cards import Card, Figure
from portal.models import Suggestion
from portal.redirects import local_url
from practices import invitations
from practices.access import overseen_by, practice_view, practices_for
from practices.roles import CAPABILITIES, READ_ONLY_CAPS, Cap, can


class SuperuserOTPAdminSite(OTPAdminSite):
    """Django admin: platform operators only (superusers), second factor verified.

    The admin has no password form of its own: ``/admin/login/`` sends everyone to the
    site's login (rate-limited, then the second factor), keeping a local ``next``. Its own
    form took unlimited guesses and told a superuser's right password apart ("Veuillez
    saisir votre jeton OTP").
    """

    def has_permission(self, request):
        return super().has_permission(request) and request.user.is_superuser

    @method_decorator(never_cache)
    def login(self, request, extra_context=None):
        if self.has_permission(request):
            return redirect("admin:index")
        if request.user.is_authenticated:
            # Signed in and verified, but no platform operator: refused, not sent round
            # the login again (the site's login would send them straight back here).
            raise PermissionDenied
        index = reverse("admin:index", current_app=self.name)
        target = local_url(request, request.GET.get(REDIRECT_FIELD_NAME))
        if target is None or not target.startswith(index):
            target = index
        return redirect(
            f"{reverse('account_login')}?{urlencode({REDIRECT_FIELD_NAME: target}, safe='/')}"
        )


admin_site = SuperuserOTPAdminSite(name="admin")


@login_required
def home(request):
    """After login: one practice → its dashboard; several → a chooser; delegates → console.

    An invitee who arrived by an invitation link goes back to it first (a first login
    ends here, after the forced second-factor enrolment).
    """
    invitation_url = invitations.pop_remembered_url(request.session)
    if invitation_url:
        return redirect(invitation_url)
    practices = list(practices_for(request.user).only("slug", "name"))
    overseen = overseen_by(request.user).exists()
    if len(practices) == 1 and not overseen:
        return redirect(practices[0].get_absolute_url())
    if not practices and overseen:
        return redirect("delegate_console")
    if not practices:
        return redirect("practice_create")
    return render(request, "portal/choose_practice.html", {"practices": practices})


def _writes(role) -> bool:
    """True if the role may do more than read (a delegate may not)."""
    return bool(CAPABILITIES.get(role, frozenset()) - READ_ONLY_CAPS)


@practice_view(Cap.VIEW)
def practice_dashboard(request):
    cards = [space.card(request.practice, request.role) for space in spaces.DASHBOARD]
    if not _writes(request.role):
        for card in cards:
            card.actions = []  # entry points to writes: hidden from read-only roles
    suggestion_card = suggestions_card(request.practice, request.role)
    if suggestion_card is not None:
        cards.insert(0, suggestion_card)
    banners = [
        banner
        for space in spaces.SPACES
        if space.banners is not None
        for banner in space.banners(request.practice, request.role)
    ]
    return render(request, "portal/dashboard.html", {"cards": cards, "banners": banners})


def suggestions_card(practice, role) -> Card | None:
    """Pending suggestions of the practice's delegates, for those who may decide them."""
    from portal.suggestions import DECIDE_CAPABILITY

    if not any(can(role, capability) for capability in DECIDE_CAPABILITY.values()):
        return None
    pending = Suggestion.objects.filter(practice=practice, status=Suggestion.Status.PENDING)
    count = pending.count()
    if not count:
        return None
    url = reverse("suggestions", kwargs={"practice_slug": practice.slug})
    return Card(
        title=_("Suggestions du délégué"),
        url=url,
        figures=[Figure(_("En attente de votre décision"), count, "warn")],
        actions=[(_("Voir les suggestions"), url)],
    )


@never_cache
@require_GET
def healthz(request):
    """Liveness for compose: database and broker status, no data."""
    status = {"database": "ok", "broker": "eager"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        status["database"] = "down"

    if settings.REDIS_URL:
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1).ping()
            status["broker"] = "ok"
        except redis.RedisError:
            status["broker"] = "down"
    healthy = status["database"] == "ok"
    return JsonResponse(status, status=200 if healthy else 503)

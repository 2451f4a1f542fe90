"""The person's notifications (the sent-log rows addressed to them) and their preferences.

Every lookup goes through ``recipient=request.user``: another person's notification is a
404, like one that does not exist.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from portal.notifications import tokens
from portal.notifications.emails import headline
from portal.notifications.forms import PreferencesForm, field_name
from portal.notifications.kinds import all_kinds, kind_of
from portal.notifications.models import Mode, SentReminder, Status
from portal.notifications.preferences import preferences_of, preferences_set
from portal.redirects import local_url
from practices.access import keeps_practice

PAGE_SIZE = 50


def inbox_of(user):
    return SentReminder.objects.filter(recipient=user).exclude(status=Status.EMPTY)


@login_required
@require_GET
@keeps_practice
def inbox(request):
    """Newest first, 50 a page: two counts (pages, unread) and the page with its practices."""
    page = Paginator(inbox_of(request.user).select_related("practice"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    kinds = all_kinds()
    items = [
        {"row": row, "label": kind_of(row.kind, kinds).label, "headline": headline(row, kinds)}
        for row in page
    ]
    unread = inbox_of(request.user).filter(read_at=None).count()
    return render(
        request, "notifications/inbox.html", {"page": page, "items": items, "unread": unread}
    )


@never_cache
@login_required
@require_GET
def unread_count(request):
    """The header badge, fetched by htmx after the page: no query added to other pages."""
    count = inbox_of(request.user).filter(read_at=None).count()
    return render(request, "notifications/partials/count.html", {"count": count})


@login_required
@require_GET
def open_notification(request):
    """Mark one notification read and go to the page it is about."""
    try:
        public_id = uuid.UUID(request.GET.get("id", ""))
    except ValueError as error:
        raise Http404 from error
    row = get_object_or_404(SentReminder, recipient=request.user, public_id=public_id)
    SentReminder.objects.filter(pk=row.pk, read_at=None).update(read_at=timezone.now())
    return redirect(local_url(request, row.url) or reverse("notifications:inbox"))


@login_required
@require_POST
def mark_all_read(request):
    inbox_of(request.user).filter(read_at=None).update(read_at=timezone.now())
    return redirect("notifications:inbox")


def _kinds_for(user):
    """Kinds a person may set: those their roles can receive (an administrator's kinds to
    administrators, the delegates' digest to people overseeing a practice; 2 queries)."""
    from practices.models import Membership, Oversight

    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    if Oversight.objects.filter(delegate=user, revoked_at=None).exists():
        roles.add("delegate")
    return [kind for kind in all_kinds().values() if kind.audience & roles]


def _preferences_page(request, *, proposal=None, notice="", status=200):
    kinds = _kinds_for(request.user)
    current = preferences_of(request.user)
    initial = {"default": current.get("", Mode.IMMEDIATE)}
    initial.update({field_name(kind.key): current.get(kind.key, "") for kind in kinds})
    highlight = ""
    if proposal is not None:
        highlight = field_name(proposal) if proposal else "default"
        initial[highlight] = Mode.OFF
    if request.method == "POST":
        form = PreferencesForm(request.POST, kinds=kinds, initial=initial)
        if form.is_valid():
            preferences_set(user=request.user, modes=form.modes())
            messages.success(request, _("Vos préférences de rappel sont enregistrées."))
            return redirect("notifications:preferences")
        status = 400
    else:
        form = PreferencesForm(kinds=kinds, initial=initial)
    context = {
        "form": form,
        "urgent": [kind for kind in kinds if kind.urgent],
        "highlight": highlight,
        "notice": notice,
    }
    return render(request, "notifications/preferences.html", context, status=status)


@login_required
@keeps_practice
def preferences(request):
    return _preferences_page(request)


@login_required
@require_GET
@keeps_practice
def unsubscribe(request, token):
    """The link of a reminder mail: the preferences, with that kind proposed "no e-mail".

    Nothing changes until the person saves: the link is only a signed proposal.
    """
    try:
        user_public_id, kind_key = tokens.read(token)
    except signing.BadSignature:
        notice = _("Ce lien de désabonnement n'est pas valide ou a expiré.")
        return _preferences_page(request, notice=notice, status=400)
    if user_public_id != str(request.user.public_id):
        notice = _("Ce lien a été envoyé à une autre personne : vos préférences sont ci-dessous.")
        return _preferences_page(request, notice=notice, status=403)
    if kind_key and kind_of(kind_key).urgent:
        notice = _("Les alertes de délai d'incident sont toujours envoyées.")
        return _preferences_page(request, notice=notice, status=400)
    notice = _(
        "Vérifiez le choix proposé ci-dessous (pas d'e-mail), puis enregistrez. "
        "Les rappels restent visibles dans le portail."
    )
    return _preferences_page(request, proposal=kind_key, notice=notice)

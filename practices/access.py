"""The access door: the only place that turns a URL value into a practice, or into a
practice-owned object, for a user.

* A practice the user neither belongs to nor oversees is a 404, the same answer as a
  practice that does not exist.
* A lacking capability is a 403. A delegate never writes: any unsafe method is a 403.
* Objects are always looked up *through* the practice: a foreign id is a 404.
"""

from __future__ import annotations

import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from practices.models import Membership, Oversight, Practice
from practices.roles import READ_ONLY_CAPS, Cap, Role, can

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def role_in(user, practice: Practice) -> str | None:
    """The user's role in the practice, or None: membership first, then a live grant."""
    if not user.is_authenticated:
        return None
    membership = Membership.objects.filter(practice=practice, user=user).only("role").first()
    if membership is not None:
        return membership.role
    if Oversight.objects.filter(practice=practice, delegate=user, revoked_at=None).exists():
        return Role.DELEGATE
    return None


def resolve_practice(request, practice_slug: str) -> Practice:
    """Set ``request.practice`` and ``request.role``; 404 for strangers."""
    practice = Practice.objects.select_related("region").filter(slug=practice_slug).first()
    if practice is None:
        raise Http404
    role = role_in(request.user, practice)
    if role is None:
        raise Http404
    request.practice = practice
    request.role = role
    return practice


def require(request, capability: str) -> None:
    """403 unless the request's role has the capability (and may write, if writing)."""
    if not can(request.role, capability):
        raise PermissionDenied
    if request.role == Role.DELEGATE and request.method not in SAFE_METHODS:
        raise PermissionDenied
    if capability not in READ_ONLY_CAPS and request.role == Role.DELEGATE:
        raise PermissionDenied


def practice_view(capability: str = Cap.VIEW):
    """Decorate a view taking ``practice_slug``: resolves the practice, checks the capability.

    The wrapped view receives ``request`` (with ``practice`` and ``role``) and the other URL
    keyword arguments, without ``practice_slug``.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, practice_slug, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            resolve_practice(request, practice_slug)
            require(request, capability)
            remember(request)
            return view(request, *args, **kwargs)

        wrapper.vigie_capability = capability
        return wrapper

    return decorator


LAST_PRACTICE_KEY = "vigie_last_practice"


def remember(request) -> None:
    """Keep the member's current practice in the session, for the pages outside any practice
    (notifications, account security) to keep its menu and its « Signaler un incident »."""
    member = request.role in (Role.ADMIN, Role.STAFF)
    if member and request.session.get(LAST_PRACTICE_KEY) != request.practice.slug:
        request.session[LAST_PRACTICE_KEY] = request.practice.slug


def keeps_practice(view):
    """Decorate a page outside any practice: it shows the last practice the person worked
    in, if they are still one of its members (else their only practice, if they have one).
    The session holds a slug only: a practice is shown only through a live membership."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated and getattr(request, "practice", None) is None:
            membership = _remembered_membership(request)
            if membership is not None:
                request.practice, request.role = membership.practice, membership.role
        return view(request, *args, **kwargs)

    return wrapper


def _remembered_membership(request) -> Membership | None:
    """One query: the remembered practice's membership, or the person's only one."""
    slug = request.session.get(LAST_PRACTICE_KEY)
    mine = Membership.objects.filter(user=request.user).select_related("practice__region")
    found = list(mine.filter(practice__slug=slug)[:1] if slug else mine[:2])
    if slug and not found:
        found = list(mine[:2])
    return found[0] if len(found) == 1 else None


def owned(queryset_or_model, practice: Practice, **lookup):
    """One practice-owned object, looked up through the practice; 404 otherwise."""
    qs = (
        queryset_or_model
        if isinstance(queryset_or_model, QuerySet)
        else queryset_or_model._default_manager.all()
    )
    return get_object_or_404(qs.filter(practice=practice), **lookup)


def same_practice(practice: Practice, *objects: Model) -> None:
    """Refuse (404) to link objects that belong to another practice."""
    for obj in objects:
        if obj is not None and obj.practice_id != practice.pk:
            raise Http404


def practices_for(user) -> QuerySet[Practice]:
    """Practices the user is a member of (not those they oversee)."""
    return Practice.objects.filter(memberships__user=user).distinct()


def overseen_by(user) -> QuerySet[Practice]:
    """Practices with a live grant to this delegate."""
    return Practice.objects.filter(
        oversights__delegate=user, oversights__revoked_at__isnull=True
    ).distinct()

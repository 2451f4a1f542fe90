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
            return view(request, *args, **kwargs)

        wrapper.vigie_capability = capability
        return wrapper

    return decorator


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

"""Isolation, proven over every URL pattern of the project.

For each pattern taking a practice: strangers (outsider, the other practice's admin and
delegate) get 404 and change nothing; the admin, staff and delegate of practice A, given
the OTHER practice's objects under A's address, get 404/403 and never change its data; a
delegate's POST anywhere is refused and changes nothing. The URL list comes from the
resolver, so a pattern added later is swept the day it lands, and the sweep fails if it
does not know how to fill one of its parameters (tests/urlsweep.py FILLERS).

Each test loops over the routes and collects failures, so one run names every failing
route (and who, and which method) instead of stopping at the first.
"""

import hashlib
import json

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Q

from practices.models import Practice
from tests.urlsweep import FILLERS, FREE_PARAMS, _param_names, all_patterns, fill

REFUSED = {403, 404, 405}
# Not practice-owned, but a write through a practice URL could touch them.
PEOPLE_FIELDS = ("pk", "email", "password", "is_active", "session_salt", "language")


def practice_routes():
    return [route for route, _ in all_patterns() if "practice_slug" in _param_names(route)]


def object_routes():
    return [r for r in practice_routes() if set(_param_names(r)) - {"practice_slug"}]


def _digest(digest, label, rows):
    digest.update(label.encode())
    digest.update(json.dumps(rows, default=str, sort_keys=True).encode())


def _device_models():
    return [m for m in apps.get_models() if m._meta.label_lower.endswith("device")]


def fingerprint(practice) -> str:
    """A digest of the practice row, every row it owns, and its people's security state."""
    digest = hashlib.sha256()
    _digest(digest, "practice", list(Practice.objects.filter(pk=practice.pk).values()))
    for model in apps.get_models():
        if "practice" not in {f.name for f in model._meta.get_fields()}:
            continue
        rows = model._default_manager.filter(practice=practice).order_by("pk").values()
        _digest(digest, model._meta.label, list(rows))
    people = get_user_model().objects.filter(
        Q(memberships__practice=practice) | Q(oversights__practice=practice)
    )
    people = people.distinct().order_by("pk")
    _digest(digest, "people", list(people.values(*PEOPLE_FIELDS)))
    for model in _device_models():
        devices = model._default_manager.filter(user__in=people).order_by("pk")
        _digest(digest, model._meta.label, list(devices.values("pk", "confirmed")))
    return digest.hexdigest()


def foreign_fillers(route, other_practice):
    """Fill every object parameter of ``route`` with an object of ``other_practice``."""
    return {
        name: (lambda _p, name=name: FILLERS[name](other_practice))
        for name in _param_names(route)
        if name != "practice_slug"
    }


def test_the_sweep_sees_the_practice_space_urls():
    routes = practice_routes()
    for expected in ("equipe/<uuid:member_id>/retirer/", "journal/", "cabinet/"):
        assert any(route.endswith(expected) for route in routes), expected
    assert len(object_routes()) >= 6


def test_objects_are_only_reached_through_a_practice_address():
    """An URL naming a practice-owned object must carry the practice (and its door)."""
    loose = [
        route
        for route, _ in all_patterns()
        if "practice_slug" not in _param_names(route)
        and set(_param_names(route)) - set(FREE_PARAMS)
    ]
    assert loose == []


def test_strangers_get_404_on_every_practice_url_and_change_nothing(cast):
    failures = []
    for who in ("outsider", "other_admin", "other_delegate"):
        client = cast.client(who)
        for route in practice_routes():
            path = fill(route, cast.practice)
            before = fingerprint(cast.practice)
            for method in ("get", "post"):
                status = getattr(client, method)(path).status_code
                if status != 404:
                    failures.append(f"{who} {method.upper()} {route}: {status}")
            if fingerprint(cast.practice) != before:
                failures.append(f"{who} {route}: changed the practice's data")
    assert failures == []


def test_objects_of_another_practice_are_refused_under_this_practice(cast):
    failures = []
    for who in ("admin", "staff", "delegate"):
        client = cast.client(who)
        for route in object_routes():
            path = fill(route, cast.practice, foreign_fillers(route, cast.other_practice))
            before = fingerprint(cast.other_practice)
            for method in ("get", "post"):
                status = getattr(client, method)(path).status_code
                if status not in REFUSED:
                    failures.append(f"{who} {method.upper()} {route}: {status}")
            if fingerprint(cast.other_practice) != before:
                failures.append(f"{who} {route}: changed the other practice's data")
    assert failures == []


def test_a_delegate_never_writes(cast):
    client = cast.client("delegate")
    failures = []
    for route in practice_routes():
        path = fill(route, cast.practice)
        before = fingerprint(cast.practice)
        status = client.post(path).status_code
        if status not in REFUSED:
            failures.append(f"POST {route}: {status}")
        if fingerprint(cast.practice) != before:
            failures.append(f"POST {route}: changed data")
    assert failures == []


def test_a_delegate_reads_the_practice_it_oversees(cast):
    client = cast.client("delegate")
    for name in ("p/<slug:practice_slug>/", "p/<slug:practice_slug>/equipe/"):
        assert client.get(fill(name, cast.practice)).status_code == 200


def test_the_fingerprint_notices_a_change(cast):
    """Guard for the sweep itself: a write to the practice, its rows or its people shows."""
    from portal.mfa.services import reset_second_factor
    from tests.factories import MembershipFactory

    cast.client("staff")  # the staff now holds a (static) second-factor device
    seen = [fingerprint(cast.practice)]
    Practice.objects.filter(pk=cast.practice.pk).update(city="Brest")
    seen.append(fingerprint(cast.practice))
    MembershipFactory(practice=cast.practice)
    seen.append(fingerprint(cast.practice))
    reset_second_factor(user=cast.staff)
    seen.append(fingerprint(cast.practice))
    assert len(set(seen)) == 4

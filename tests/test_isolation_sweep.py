"""Isolation, proven over every URL pattern of the project.

For each pattern taking a practice: strangers get 404; members and the delegate of
practice A, given another practice's objects under A's address, get 404/403 and change
nothing; a delegate's POST anywhere is refused and changes nothing. The URL list comes
from the resolver, so a pattern added later is swept the day it lands (and the sweep
fails if it does not know how to fill one of its parameters).
"""

import hashlib
import json

from django.apps import apps

from tests.urlsweep import FILLERS, _param_names, all_patterns, fill

REFUSED = {403, 404, 405}


def practice_routes():
    return [route for route, _ in all_patterns() if "practice_slug" in _param_names(route)]


def fingerprint(practice) -> str:
    """A digest of every row owned by the practice (any change shows)."""
    digest = hashlib.sha256()
    for model in apps.get_models():
        names = {f.name for f in model._meta.get_fields()}
        if "practice" not in names or not hasattr(model, "_default_manager"):
            continue
        rows = list(model._default_manager.filter(practice=practice).order_by("pk").values())
        digest.update(model._meta.label.encode())
        digest.update(json.dumps(rows, default=str, sort_keys=True).encode())
    return digest.hexdigest()


def foreign_fillers(route, other_practice):
    return {
        name: (lambda _p, name=name: FILLERS[name](other_practice))
        for name in _param_names(route)
        if name != "practice_slug" and name in FILLERS
    }


def test_strangers_get_404_on_every_practice_url(cast):
    failures = []
    for who in ("outsider", "other_admin", "other_delegate"):
        client = cast.client(who)
        for route in practice_routes():
            path = fill(route, cast.practice)
            for method in ("get", "post"):
                status = getattr(client, method)(path).status_code
                if status != 404:
                    failures.append(f"{who} {method.upper()} {route}: {status}")
    assert failures == []


def test_objects_of_another_practice_are_404_under_this_practice(cast):
    routes = [r for r in practice_routes() if len(_param_names(r)) > 1]
    assert routes, "no object URL found: the sweep would prove nothing"
    failures = []
    for who in ("admin", "staff", "delegate"):
        client = cast.client(who)
        for route in routes:
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
    assert client.get(fill("p/<slug:practice_slug>/", cast.practice)).status_code == 200

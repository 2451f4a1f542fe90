"""Reading a page writes nothing: every GET of every URL of the project, by the admin, a
staff member and the delegate of a practice, runs no INSERT, UPDATE or DELETE (the session
table aside: signing in and the idle timer live there; and the audit event of a registry
export, which traces who took the record away). Writes happen on POST, in the services, or
in the reminder sweep."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.urlsweep import swept_urls

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
ALLOWED_TABLES = ("django_session",)
EXPORTS = re.compile(r"registre/registre\.(ods|xlsx|csv|pdf)$")
AUDIT = '"portal_audit'  # the event and the audit chain's head


def writes(queries, route="") -> list[str]:
    allowed = ALLOWED_TABLES + ((AUDIT,) if EXPORTS.search(route) else ())
    return [
        q["sql"][:160]
        for q in queries
        if WRITE.match(q["sql"]) and not any(table in q["sql"] for table in allowed)
    ]


def test_no_page_writes_on_get(cast):
    urls = swept_urls(cast.practice)  # the fillers create their objects before the walk
    failures = []
    for who in ("admin", "staff", "delegate"):
        client = cast.client(who)
        for route, path in urls:
            with CaptureQueriesContext(connection) as seen:
                client.get(path)
            found = writes(seen.captured_queries, route)
            if found:
                failures.append((who, route, found))
    assert not failures, "\n".join(f"{w} {r} {f[0][:60]}" for w, r, f in failures)


def test_the_check_sees_a_write(cast):
    with CaptureQueriesContext(connection) as seen:
        cast.practice.save()
    assert writes(seen.captured_queries)

"""Reminder kinds of the documents space (see portal/reminders.py for the contract)."""

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from documents import notice
from documents.crisis import State, fingerprint
from documents.models import Printing
from portal.reminders import Due, Kind

KINDS = {
    "notice.outdated": Kind(
        "notice.outdated",
        _("Information des patients à mettre à jour"),
        audience=frozenset({"admin"}),
    ),
}


def due(now):
    """Practices whose patient notice was generated and whose fiches in force changed
    since, for their admins; 7 queries whatever the number of practices (the practices
    with a generation and their slugs, then the notices' data).

    The step is the fingerprint of the data now: each new state of the fiches is reminded
    once, and a notice regenerated and changed again is reminded again.
    """
    generated = dict(
        Printing.objects.filter(document=Printing.Document.NOTICE)
        .values_list("practice_id", "practice__slug")
        .order_by()
        .distinct()
    )
    for practice_id, status in notice.statuses(generated).items():
        if status.state != State.OUTDATED:
            continue
        titles = {}
        for language in ("fr", "en"):
            with translation.override(language):
                titles[language] = " ; ".join(status.changes)
        yield Due(
            kind="notice.outdated",
            practice_id=practice_id,
            object_key=f"documents.notice:{practice_id}",
            step=fingerprint(status.data)[:16],
            url=reverse("documents:notice", kwargs={"practice_slug": generated[practice_id]}),
            context={"title": titles},
            roles=("admin",),
        )

"""Reminder kinds of the processors space: a contract or an HDS certificate that ends.

Each is reminded 60 and 15 days before its end, then on the day it has ended (steps of
``rules.STEPS``); the step carries the end date, so a renewed contract is reminded again.
The mails use the common reminder template with the sentences below.
"""

from datetime import date, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from portal.reminders import DATE, Due, Kind, title
from registry.processors import rules
from registry.processors.models import Processor

# An end older than this is no longer reminded (its last step was sent when it came).
LOOK_BACK = timedelta(days=30)


def _sentence(expired: str, ending: str):
    def headline(context: dict, step: str) -> str:
        until = date.fromisoformat(context["until"])
        values = {"name": title(context), "date": date_format(until, DATE)}
        return str(expired if step.endswith("expired") else ending) % values

    return headline


KINDS = {
    "processors.contract_ending": Kind(
        "processors.contract_ending",
        _("Contrat de sous-traitance arrivant à échéance"),
        audience=frozenset({"admin"}),
        headline=_sentence(
            _(
                "Le contrat de sous-traitance avec %(name)s a pris fin le %(date)s : "
                "renouvelez-le ou retirez ce prestataire, puis mettez sa fiche à jour."
            ),
            _(
                "Le contrat de sous-traitance avec %(name)s prend fin le %(date)s : prévoyez "
                "son renouvellement et vérifiez ses clauses (article 28 du RGPD)."
            ),
        ),
    ),
    "processors.hds_ending": Kind(
        "processors.hds_ending",
        _("Certificat HDS arrivant à échéance"),
        audience=frozenset({"admin"}),
        headline=_sentence(
            _(
                "Le certificat HDS de %(name)s a expiré le %(date)s : demandez le nouveau "
                "certificat et indiquez-le dans Vigie."
            ),
            _(
                "Le certificat HDS de %(name)s expire le %(date)s : demandez le certificat "
                "renouvelé à ce prestataire."
            ),
        ),
    ),
}


def due(now):
    """Contracts and certificates ending within 60 days (or ended in the last 30): one
    query whatever the number of practices, to the practice admins."""
    today = timezone.localdate(now)
    window = Q(contract_ends_on__lte=today + rules.WARN, contract_ends_on__gte=today - LOOK_BACK)
    hds = Q(
        hosts_health_data=True,
        hds_expires_on__lte=today + rules.WARN,
        hds_expires_on__gte=today - LOOK_BACK,
    )
    processors = (
        Processor.objects.filter(window | hds)
        .select_related("practice")
        .only(
            "public_id",
            "name",
            "contract_ends_on",
            "hds_expires_on",
            "hosts_health_data",
            "practice__slug",
        )
        .order_by("pk")
    )
    for processor in processors:
        url = reverse(
            "processors:detail",
            kwargs={"practice_slug": processor.practice.slug, "processor_id": processor.public_id},
        )
        ends = [("processors.contract_ending", processor.contract_ends_on)]
        if processor.hosts_health_data:
            ends.append(("processors.hds_ending", processor.hds_expires_on))
        for kind, end in ends:
            found = _step(end, today)
            if found is None:
                continue
            yield Due(
                kind=kind,
                practice_id=processor.practice_id,
                object_key=f"processors.processor:{processor.public_id}",
                step=f"{end.isoformat()}:{found}",
                url=url,
                context={"title": processor.name, "until": end.isoformat()},
                roles=("admin",),
            )


def _step(end: date | None, today: date) -> str | None:
    if end is None or end < today - LOOK_BACK:
        return None
    return rules.step((end - today).days)

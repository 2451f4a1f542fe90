from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from documents import crisis, notice
from documents.models import Printing
from portal.cards import Banner


def banners(practice, role) -> list[Banner]:
    """The documents' banners on the dashboard: the crisis card's, then the notice's."""
    return card_banners(practice) + notice_banners(practice)


def card_banners(practice) -> list[Banner]:
    """« À réimprimer » when the crisis card's data changed since its last print, « jamais
    imprimée » before its first print (7 queries)."""
    status = crisis.statuses([practice.pk])[practice.pk]
    url = reverse("documents:crisis_card", kwargs={"practice_slug": practice.slug})
    if status.state == crisis.State.OUTDATED:
        text = _(
            "Fiche réflexe à réimprimer : depuis l'impression du %(date)s, ont changé : %(what)s."
        ) % {
            "date": date_format(timezone.localtime(status.last["printed_at"]), "d/m/Y"),
            "what": ", ".join(str(label) for label in status.changes),
        }
        return [Banner(text=text, url=url, action=_("Réimprimer la fiche"), status="bad")]
    if status.state == crisis.State.NEVER:
        text = _("La fiche réflexe n'a jamais été imprimée : affichez-la près de chaque poste.")
        return [Banner(text=text, url=url, action=_("Voir la fiche"))]
    return []


def notice_banners(practice) -> list[Banner]:
    """« À mettre à jour » when a fiche behind the patient notice changed (6 queries)."""
    status = notice.statuses([practice.pk])[practice.pk]
    if status.state != crisis.State.OUTDATED:
        return []
    text = _("Information des patients à mettre à jour : %(what)s.") % {
        "what": " ; ".join(status.changes)
    }
    url = reverse("documents:notice", kwargs={"practice_slug": practice.slug})
    return [Banner(text=text, url=url, action=_("Regénérer l'information"), status="bad")]


def console_figures(practice_ids, now=None) -> dict[int, dict]:
    """``{practice_id: {"card": state, "notice": state}}`` for the delegate console (states
    of ``crisis.State``), in 12 queries whatever the number of practices: the card's data
    (6), the notice's (5) and the last print of both documents (1)."""
    ids = list(practice_ids)
    prints = crisis.last_prints(ids)
    cards, notices = crisis.card_data(ids), notice.notice_data(ids)
    card, notice_doc = Printing.Document.CRISIS_CARD, Printing.Document.NOTICE
    return {
        pid: {
            "card": crisis.Status(cards[pid], prints.get((pid, card))).state,
            "notice": notice.Status(notices[pid], prints.get((pid, notice_doc))).state,
        }
        for pid in ids
        if pid in cards
    }

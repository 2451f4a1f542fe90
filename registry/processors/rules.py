"""What a processor's contract and certificate must say, with the texts that say so.

Art. 28.3 GDPR lists what the contract with a processor sets out (points a to h); art. 33.2
adds that the processor alerts the controller of a breach without undue delay. A host of
health data for the practice must be certified HDS (art. L1111-8 CSP). Every statement
names its source and the day it was read; « à valider » where it is not confirmed.
"""

from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

CHECKED = "2026-12-04"
RGPD = {"text": "RGPD", "url": "https://eur-lex.europa.eu/eli/reg/2016/679/oj"}
CSP_L1111_8 = {
    "text": "CSP",
    "article": "art. L1111-8",
    "url": "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000006072665",
    "checked": CHECKED,
}
ANS_HDS = {
    "text": "ANS, certification HDS",
    "article": "périmètre du certificat",
    "url": "https://esante.gouv.fr/labels-certifications/hebergement-des-donnees-de-sante",
    "checked": CHECKED,
}


class Clause(models.TextChoices):
    """Art. 28.3 a–h, then the breach alert of art. 33.2."""

    INSTRUCTIONS = "a", _("a) Ne traite les données que sur instruction documentée du cabinet")
    CONFIDENTIALITY = "b", _("b) Les personnes autorisées sont tenues à la confidentialité")
    SECURITY = "c", _("c) Prend les mesures de sécurité de l'article 32")
    SUBPROCESSORS = (
        "d",
        _("d) Ne recrute un autre sous-traitant qu'avec l'autorisation écrite du cabinet"),
    )
    RIGHTS = "e", _("e) Aide le cabinet à répondre aux demandes d'exercice des droits")
    ASSISTANCE = (
        "f",
        _(
            "f) Aide le cabinet pour la sécurité, les violations et l'analyse d'impact "
            "(art. 32 à 36)"
        ),
    )
    END = "g", _("g) Supprime ou restitue les données à la fin du contrat")
    AUDIT = "h", _("h) Met à disposition les informations et permet les audits")
    BREACH = (
        "breach",
        _("Alerte le cabinet de toute violation de données dans les meilleurs délais (art. 33.2)"),
    )


CLAUSE_SOURCES = [
    {**RGPD, "article": "art. 28.3, points a à h", "checked": CHECKED},
    {**RGPD, "article": "art. 33.2", "checked": CHECKED},
]


class HdsScope(models.TextChoices):
    """The two certificates of the HDS scheme (à valider: which activities each covers)."""

    INFRASTRUCTURE = "infrastructure", _("Hébergeur d'infrastructure physique")
    MANAGED = "managed", _("Hébergeur infogéreur")


class Location(models.TextChoices):
    """Inside the EU/EEA (no transfer); other countries come from registry.cnil."""

    FRANCE = "FR", _("France")
    EEA = "EEA", _("Autre pays de l'Union européenne ou de l'EEE")


HELP = {
    "clauses": _(
        "Le contrat de sous-traitance doit prévoir ces points (RGPD art. 28.3 et 33.2, "
        "vérifié le 04/12/2026) : cochez ceux que le contrat prévoit."
    ),
    "hds": _(
        "Un prestataire qui héberge ou sauvegarde des données de santé pour le cabinet doit être "
        "certifié HDS (art. L1111-8 du code de la santé publique, vérifié le 04/12/2026)."
    ),
    "hds_scope": _(
        "Le certificat « hébergeur d'infrastructure physique » couvre les sites et le matériel ; "
        "« hébergeur infogéreur » couvre l'infrastructure virtuelle, la plateforme, "
        "l'administration et la sauvegarde (répartition à valider ; ANS, vérifié le 04/12/2026)."
    ),
    "location": _(
        "Hors de l'Union européenne, un pays sans décision d'adéquation exige une garantie "
        "(clauses contractuelles types…) : RGPD art. 44 à 49, liste des décisions d'adéquation "
        "vérifiée le 04/12/2026."
    ),
}
HELP_SOURCES = {
    "clauses": CLAUSE_SOURCES,
    "hds": [CSP_L1111_8],
    "hds_scope": [{**ANS_HDS, "confirm": True}],
    "location": [{**RGPD, "article": "art. 44 à 49", "checked": CHECKED}],
}

# Reminders before an end date: 60 and 15 days before, then on the day.
STEPS = (60, 15, 0)
WARN = timedelta(days=STEPS[0])


def step(days_left: int) -> str | None:
    """The reminder step for ``days_left`` days before the end (None: not yet)."""
    if days_left <= 0:
        return "expired"
    if days_left <= STEPS[1]:
        return f"d-{STEPS[1]}"
    if days_left <= STEPS[0]:
        return f"d-{STEPS[0]}"
    return None


def statements():
    from django.utils.translation import override

    from portal.sources import Statement, parse

    with override("fr"):
        return [
            Statement(
                where=f"registry/processors/rules.py HELP[{key!r}]",
                text=str(text),
                sources=parse(HELP_SOURCES[key]),
            )
            for key, text in HELP.items()
        ]

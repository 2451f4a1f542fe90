"""The legal statements the rights pages and letters make, with their sources, for
``manage.py content_sources``."""

from portal.sources import Statement, parse
from registry.rights.deadlines import SOURCES

WHERE = "registry/rights"
TEXTS = {
    "general": "Réponse dans un délai d'un mois, prolongeable de deux mois en informant la "
    "personne dans le premier mois, avec les motifs",
    "record": "Accès au dossier médical : au plus tard 8 jours après la demande complète, "
    "deux mois si les informations datent de plus de cinq ans ; délai de réflexion de 48 h",
    "month_end": "Un délai d'un mois reçu le 31 janvier expire le dernier jour de février",
    "complaint": "En cas de refus, la personne peut introduire une réclamation auprès de la CNIL",
    "no_record_extension": "Le délai du CSP pour le dossier médical n'est pas prolongé",
}


def statements() -> list[Statement]:
    return [
        Statement(
            where=f"{WHERE} deadlines.SOURCES[{key!r}]", text=text, sources=parse(SOURCES[key])
        )
        for key, text in TEXTS.items()
    ]

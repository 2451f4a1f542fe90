"""The CNIL model record ("Modèle de registre RGPD"): its lists and its field labels.

The choices below are the drop-down lists of the CNIL spreadsheet (sheet "5 - Listes"),
completed where a health practice needs more (patients, correspondent professionals,
legal bases). ``SHEET_FIELDS`` names every field of the model sheet with the attribute
that holds it, so the exports and the tests share one list.
"""

from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class DataCategory(models.TextChoices):
    """Section D (six standard categories) and E (nine sensitive ones) of the fiche."""

    CIVIL = "civil", _("État civil, identité, données d'identification, images…")
    PERSONAL_LIFE = "personal_life", _("Vie personnelle (habitudes de vie, situation familiale…)")
    ECONOMIC = (
        "economic",
        _(
            "Informations d'ordre économique et financier (revenus, situation financière, "
            "situation fiscale…)"
        ),
    )
    CONNECTION = "connection", _("Données de connexion (adresse IP, logs…)")
    LOCATION = "location", _("Données de localisation (déplacements, données GPS, GSM…)")
    NIR = "nir", _("Numéro de Sécurité Sociale (ou NIR)")
    ORIGIN = "origin", _("Données révélant l'origine raciale ou ethnique")
    POLITICS = "politics", _("Données révélant les opinions politiques")
    BELIEFS = "beliefs", _("Données révélant les convictions religieuses ou philosophiques")
    UNION = "union", _("Données révélant l'appartenance syndicale")
    GENETIC = "genetic", _("Données génétiques")
    BIOMETRIC = (
        "biometric",
        _("Données biométriques aux fins d'identifier une personne physique de manière unique"),
    )
    HEALTH = "health", _("Données concernant la santé")
    SEX_LIFE = "sex_life", _("Données concernant la vie sexuelle ou l'orientation sexuelle")
    CRIMINAL = "criminal", _("Données relatives à des condamnations pénales ou infractions")
    CUSTOM = "custom", _("Autre catégorie")


STANDARD_CATEGORIES = [
    DataCategory.CIVIL,
    DataCategory.PERSONAL_LIFE,
    DataCategory.ECONOMIC,
    DataCategory.CONNECTION,
    DataCategory.LOCATION,
    DataCategory.NIR,
]
SENSITIVE_CATEGORIES = [
    DataCategory.ORIGIN,
    DataCategory.POLITICS,
    DataCategory.BELIEFS,
    DataCategory.UNION,
    DataCategory.GENETIC,
    DataCategory.BIOMETRIC,
    DataCategory.HEALTH,
    DataCategory.SEX_LIFE,
    DataCategory.CRIMINAL,
]


class SubjectCategory(models.TextChoices):
    """Section F: the CNIL list, plus the persons a practice cannot do without."""

    PATIENTS = "patients", _("Patients")
    REPRESENTATIVES = "representatives", _("Ayants droit / représentants légaux")
    CORRESPONDENTS = "correspondents", _("Professionnels de santé correspondants")
    EMPLOYEES = "employees", _("Salariés")
    INTERNAL = "internal", _("Services internes")
    CLIENTS = "clients", _("Clients")
    SUPPLIERS = "suppliers", _("Fournisseurs")
    PROVIDERS = "providers", _("Prestataires")
    PROSPECTS = "prospects", _("Prospects")
    CANDIDATES = "candidates", _("Candidats")
    OTHER = "other", _("Autres (préciser)")


class RecipientType(models.TextChoices):
    """Section G."""

    INTERNAL = "internal", _("Service interne qui traite les données")
    PROCESSOR = "processor", _("Sous-traitants")
    THIRD_COUNTRY = (
        "third_country",
        _("Destinataires dans des pays tiers ou organisations internationales"),
    )
    PARTNER = "partner", _("Partenaires institutionnels ou commerciaux")
    OTHER = "other", _("Autre (préciser)")


class MeasureType(models.TextChoices):
    """Section H."""

    TRACEABILITY = "traceability", _("Mesures de traçabilité")
    SOFTWARE = "software", _("Mesures de protection des logiciels")
    BACKUP = "backup", _("Sauvegarde des données")
    ENCRYPTION = "encryption", _("Chiffrement des données")
    ACCESS = "access", _("Contrôle d'accès des utilisateurs")
    PROCESSORS = "processors", _("Contrôle des sous-traitants")
    OTHER = "other", _("Autres mesures (à préciser)")


class Guarantee(models.TextChoices):
    """Section I. "Privacy shield" stays readable for old records but cannot be chosen:
    the CJEU invalidated it (Schrems II, 16 July 2020)."""

    SCC = "scc", _("Clauses contractuelles types (CCT)")
    BCR = "bcr", _("Règles d'entreprise contraignantes (BCR)")
    ADEQUACY = "adequacy", _("Pays adéquat")
    CODE = "code", _("Code de conduite")
    CERTIFICATION = "certification", _("Certification")
    DEROGATION = "derogation", _("Dérogations (art 49)")
    PRIVACY_SHIELD = "privacy_shield", _("Privacy shield (invalidé en 2020)")


# Countries outside the EU/EEA with a European Commission adequacy decision in force.
# The CNIL sheet's list is dated (Privacy Shield, no Japan, United Kingdom, Korea or
# Brazil); this list follows the Commission's adequacy page as read on ADEQUACY_CHECKED:
# check it again before relying on it, and at least every 12 months
# (``manage.py content_sources`` fails when the date is older).
ADEQUACY_CHECKED = "2026-12-04"
ADEQUACY_SOURCE = [
    {
        "text": "Commission européenne, décisions d'adéquation",
        "article": "RGPD art. 45",
        "url": (
            "https://commission.europa.eu/law/law-topic/data-protection/"
            "international-dimension-data-protection/adequacy-decisions_en"
        ),
        "checked": ADEQUACY_CHECKED,
    },
    {
        # Brazil: Commission implementing decision of January 2026 (reported by law-firm
        # summaries; its reference is still to be read in the Official Journal).
        "text": "décision d'exécution de la Commission (Brésil, janvier 2026)",
        "article": "",
        "url": "",
        "checked": ADEQUACY_CHECKED,
        "confirm": True,
    },
]
ADEQUATE_COUNTRIES = {
    "AD": _("Andorre"),
    "AR": _("Argentine"),
    "BR": _("Brésil"),
    "CA": _("Canada (organismes soumis à la PIPEDA)"),
    "FO": _("Îles Féroé"),
    "GG": _("Guernesey"),
    "IL": _("Israël"),
    "IM": _("Île de Man"),
    "JP": _("Japon"),
    "JE": _("Jersey"),
    "NZ": _("Nouvelle-Zélande"),
    "KR": _("République de Corée"),
    "CH": _("Suisse"),
    "GB": _("Royaume-Uni"),
    "US": _("États-Unis (organismes certifiés Data Privacy Framework)"),
    "UY": _("Uruguay"),
}
OTHER_COUNTRIES = {
    "ZA": _("Afrique du Sud"),
    "DZ": _("Algérie"),
    "SA": _("Arabie saoudite"),
    "AU": _("Australie"),
    "CM": _("Cameroun"),
    "CN": _("Chine"),
    "CI": _("Côte d'Ivoire"),
    "AE": _("Émirats arabes unis"),
    "HK": _("Hong Kong"),
    "IN": _("Inde"),
    "ID": _("Indonésie"),
    "LB": _("Liban"),
    "MG": _("Madagascar"),
    "MA": _("Maroc"),
    "MU": _("Maurice"),
    "MX": _("Mexique"),
    "MC": _("Monaco"),
    "PH": _("Philippines"),
    "QA": _("Qatar"),
    "RU": _("Russie"),
    "SN": _("Sénégal"),
    "RS": _("Serbie"),
    "SG": _("Singapour"),
    "TW": _("Taïwan"),
    "TH": _("Thaïlande"),
    "TN": _("Tunisie"),
    "TR": _("Turquie"),
    "UA": _("Ukraine"),
    "VN": _("Viêt Nam"),
    "ZZ": _("Autre pays (sans décision d'adéquation)"),
}


def country_choices():
    adequate = sorted(ADEQUATE_COUNTRIES.items(), key=lambda kv: str(kv[1]))
    others = sorted(OTHER_COUNTRIES.items(), key=lambda kv: str(kv[1]))
    return [
        (
            format_lazy(
                "{} ({})",
                _("Décision d'adéquation de la Commission européenne"),
                _("liste vérifiée le %(date)s")
                % {"date": "/".join(reversed(ADEQUACY_CHECKED.split("-")))},
            ),
            adequate,
        ),
        (_("Sans décision d'adéquation"), others),
    ]


def country_label(code: str) -> str:
    return str(ADEQUATE_COUNTRIES.get(code) or OTHER_COUNTRIES.get(code) or code)


def is_adequate(code: str) -> bool:
    return code in ADEQUATE_COUNTRIES


class LegalBasis(models.TextChoices):
    """GDPR Art. 6(1): not a column of the CNIL sheet, but the CNIL asks for it."""

    CONSENT = "6.1.a", _("Art. 6.1.a : consentement")
    CONTRACT = "6.1.b", _("Art. 6.1.b : exécution d'un contrat")
    LEGAL_OBLIGATION = "6.1.c", _("Art. 6.1.c : obligation légale")
    VITAL = "6.1.d", _("Art. 6.1.d : sauvegarde des intérêts vitaux")
    PUBLIC_INTEREST = "6.1.e", _("Art. 6.1.e : mission d'intérêt public")
    LEGITIMATE = "6.1.f", _("Art. 6.1.f : intérêt légitime")


class HealthException(models.TextChoices):
    """GDPR Art. 9(2): the exception that allows processing sensitive data."""

    NONE = "", _("Aucune donnée sensible")
    CONSENT = "9.2.a", _("Art. 9.2.a : consentement explicite")
    EMPLOYMENT = (
        "9.2.b",
        _("Art. 9.2.b : obligations du droit du travail et de la protection sociale"),
    )
    VITAL = "9.2.c", _("Art. 9.2.c : sauvegarde des intérêts vitaux")
    PUBLIC = "9.2.e", _("Art. 9.2.e : données rendues publiques par la personne")
    CLAIMS = "9.2.f", _("Art. 9.2.f : constatation ou défense de droits en justice")
    CARE = (
        "9.2.h",
        _("Art. 9.2.h : médecine préventive, diagnostics, soins, gestion des systèmes de santé"),
    )
    PUBLIC_HEALTH = "9.2.i", _("Art. 9.2.i : intérêt public dans le domaine de la santé publique")
    RESEARCH = "9.2.j", _("Art. 9.2.j : recherche scientifique ou statistiques")


class Dpia(models.TextChoices):
    NOT_NEEDED = "not_needed", _("Non nécessaire")
    TO_ASSESS = "to_assess", _("À évaluer")
    NEEDED = "needed", _("Nécessaire, à réaliser")
    DONE = "done", _("Réalisée")


class Status(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    ACTIVE = "active", _("En vigueur")
    ARCHIVED = "archived", _("Archivé")


# Help texts: the CNIL's cell comments, in plain French.
HELP = {
    "controller": _(
        "La personne physique ou morale qui, seule ou avec d'autres, décide des finalités et "
        "des moyens du traitement : en général le ou les praticiens titulaires."
    ),
    "representative": _(
        "Seulement si le responsable est établi hors de l'Union européenne : la personne "
        "désignée par écrit pour le représenter dans l'Union."
    ),
    "dpo": _(
        "Un professionnel exerçant seul n'est pas tenu de désigner un délégué à la protection "
        "des données. Selon le référentiel de la CNIL, un DPO « devrait être nécessaire » "
        "pour des professionnels exerçant en groupe et partageant un système d'information "
        "au-delà de 10 000 patients par an (seuil à valider). Source : référentiel CNIL "
        "(délib. n° 2020-081), vérifié le 04/12/2026."
    ),
    "joint_controllers": _(
        "À remplir lorsque deux responsables ou plus décident ensemble des finalités et des "
        "moyens (par exemple une maison de santé et ses praticiens)."
    ),
    "main_purpose": _(
        "Chaque traitement doit avoir un objectif précis, légal et légitime : on ne collecte "
        "pas « au cas où »."
    ),
    "retention": _(
        "Combien de temps les données sont gardées, et à partir de quand (par exemple « 20 ans "
        "après la dernière consultation »)."
    ),
    "nir": _(
        "Le NIR (numéro de sécurité sociale) fait l'objet de règles particulières (RGPD art. 87, "
        "vérifié le 04/12/2026)."
    ),
    "sensitive": _(
        "Ces données ne peuvent être traitées que dans les conditions strictement prévues par "
        "la loi Informatique et Libertés et le RGPD : indiquez l'exception de l'article 9."
    ),
    "subjects": _("Par exemple : patients, salariés, professionnels correspondants."),
    "recipients": _(
        "Toutes les personnes qui ont accès aux données : équipe, éditeur du logiciel, "
        "hébergeur, prestataires, organismes d'assurance maladie…"
    ),
    "measures": _(
        "Selon la sensibilité des données et les risques : mises à jour et antivirus, mots de "
        "passe robustes, double authentification, chiffrement, sauvegardes testées…"
    ),
    "transfers": _(
        "Un transfert hors de l'Union européenne vers un pays sans décision d'adéquation "
        "exige une garantie (clauses contractuelles types, BCR…) : RGPD art. 44 à 49. Liste "
        "des décisions d'adéquation vérifiée le 04/12/2026."
    ),
    "hds": _(
        "Un tiers qui héberge ou sauvegarde des données de santé pour le cabinet doit être "
        "certifié HDS (art. L1111-8 du code de la santé publique, vérifié le 04/12/2026)."
    ),
    "dpia": _(
        "Analyse d'impact (AIPD) : selon le référentiel de la CNIL, nécessaire notamment pour "
        "des professionnels exerçant en groupe et partageant un système d'information au-delà "
        "de 10 000 patients par an (seuil à valider ; délib. n° 2020-081, vérifié le "
        "04/12/2026)."
    ),
}


_RGPD = {"text": "RGPD", "url": "https://eur-lex.europa.eu/eli/reg/2016/679/oj"}
_REFERENTIEL = {
    "text": "référentiel CNIL cabinets médicaux et paramédicaux (délib. n° 2020-081)",
    "url": "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000042158211",
}
_CSP = {"text": "CSP", "url": "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000006072665"}
CHECKED = "2026-12-04"
# The source of each help text that states a rule (shown in the text itself, listed by
# ``manage.py content_sources``).
HELP_SOURCES = {
    "controller": [{**_RGPD, "article": "art. 4.7", "checked": CHECKED}],
    "representative": [{**_RGPD, "article": "art. 27", "checked": CHECKED}],
    "dpo": [
        {**_RGPD, "article": "art. 37 et considérant 91", "checked": CHECKED},
        {**_REFERENTIEL, "article": "seuil de 10 000 patients", "checked": CHECKED, "confirm": 1},
    ],
    "joint_controllers": [{**_RGPD, "article": "art. 26", "checked": CHECKED}],
    "main_purpose": [{**_RGPD, "article": "art. 5.1.b", "checked": CHECKED}],
    "nir": [{**_RGPD, "article": "art. 87", "checked": CHECKED}],
    "sensitive": [{**_RGPD, "article": "art. 9", "checked": CHECKED}],
    "transfers": [{**_RGPD, "article": "art. 44 à 49", "checked": CHECKED}, *ADEQUACY_SOURCE],
    "hds": [{**_CSP, "article": "art. L1111-8", "checked": CHECKED}],
    "dpia": [
        {**_RGPD, "article": "art. 35", "checked": CHECKED},
        {**_REFERENTIEL, "article": "seuil de 10 000 patients", "checked": CHECKED, "confirm": 1},
    ],
}


def statements():
    """The legal statements of this file, for ``manage.py content_sources``."""
    from django.utils.translation import override

    from portal.sources import LEGAL, Statement, parse

    with override("fr"):
        found = [
            Statement(
                where="registry/cnil.py ADEQUATE_COUNTRIES",
                text="Pays adéquats : " + ", ".join(str(v) for v in ADEQUATE_COUNTRIES.values()),
                sources=parse(ADEQUACY_SOURCE),
            )
        ]
        for key, text in HELP.items():
            if key in HELP_SOURCES or LEGAL.search(str(text)):
                found.append(
                    Statement(
                        where=f"registry/cnil.py HELP[{key!r}]",
                        text=str(text),
                        sources=parse(HELP_SOURCES.get(key, [])),
                    )
                )
    return found

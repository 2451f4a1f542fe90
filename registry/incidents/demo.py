"""Demo incidents: one closed phishing case, one lost laptop being assessed."""

from datetime import timedelta

from django.utils import timezone

from registry.incidents.models import Event, Incident, Reflex


def seed(cast) -> None:
    now = timezone.now()
    lilas = cast.practices["cabinet-des-lilas"]
    secretary = cast.users["sophie.bernard@demo.vigie.fr"]
    phishing, created = Incident.objects.get_or_create(
        practice=lilas,
        description="Faux courriel « Ameli » demandant de confirmer les identifiants du poste "
        "d'accueil. Lien cliqué, aucun mot de passe saisi.",
        defaults={
            "kind": "phishing",
            "noticed_at": now - timedelta(days=20),
            "aware_at": now - timedelta(days=20),
            "reported_by": secretary,
            "status": "closed",
            "personal_data": False,
            "cnil_required": False,
            "risk": "none",
            "cnil_reason": "Aucune donnée personnelle exposée.",
            "assessed_at": now - timedelta(days=19),
        },
    )
    if created:
        Event.objects.create(
            practice=lilas,
            incident=phishing,
            actor=secretary,
            action="reported",
            at=phishing.noticed_at,
        )
        for key in ("other_channel", "warn_team"):
            Reflex.objects.create(
                practice=lilas,
                incident=phishing,
                key=key,
                done_at=phishing.noticed_at,
                done_by=secretary,
            )
    msp = cast.practices["msp-des-calanques"]
    nurse = cast.users["thomas.roux@demo.vigie.fr"]
    laptop, created = Incident.objects.get_or_create(
        practice=msp,
        description="Ordinateur portable de tournée oublié dans le train (agenda des visites).",
        defaults={
            "kind": "device_loss",
            "noticed_at": now - timedelta(hours=30),
            "aware_at": now - timedelta(hours=30),
            "reported_by": nurse,
            "personal_data": True,
            "health_data": True,
        },
    )
    if created:
        Event.objects.create(
            practice=msp, incident=laptop, actor=nurse, action="reported", at=laptop.noticed_at
        )

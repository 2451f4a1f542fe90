"""Demo processors: the Lilas practice's software vendor (HDS, complete contract), its
online booking platform (certificate expiring soon) and an external backup whose HDS
certificate lapsed; each linked to the fiches it serves."""

from datetime import timedelta

from django.utils import timezone

from registry.models import ProcessingActivity
from registry.processors import rules
from registry.processors.models import Processor


def seed(cast) -> None:
    lilas = cast.practices["cabinet-des-lilas"]
    if Processor.objects.filter(practice=lilas).exists():
        return
    today = timezone.localdate()
    fiches = {a.preset_key: a for a in ProcessingActivity.objects.filter(practice=lilas)}
    rows = [
        (
            Processor(
                practice=lilas,
                name="Logimed Santé (démo)",
                service="Logiciel de dossier patient en ligne",
                data_categories=["civil", "nir", "health"],
                hosts_health_data=True,
                contract_signed_on=today - timedelta(days=400),
                contract_ends_on=today + timedelta(days=330),
                clauses=list(rules.Clause.values),
                hds_scope=[rules.HdsScope.INFRASTRUCTURE, rules.HdsScope.MANAGED],
                hds_certifier="Organisme certificateur accrédité (démo)",
                hds_expires_on=today + timedelta(days=500),
                location=rules.Location.FRANCE,
                sub_processors="Datacentre Nord (démo), hébergement physique, France",
            ),
            ["dossier-patient"],
        ),
        (
            Processor(
                practice=lilas,
                name="RDV Facile (démo)",
                service="Prise de rendez-vous en ligne",
                data_categories=["civil", "health"],
                hosts_health_data=True,
                contract_signed_on=today - timedelta(days=700),
                contract_ends_on=today + timedelta(days=40),
                clauses=[c for c in rules.Clause.values if c != rules.Clause.BREACH],
                hds_scope=[rules.HdsScope.MANAGED],
                hds_certifier="Organisme certificateur accrédité (démo)",
                hds_expires_on=today + timedelta(days=12),
                location=rules.Location.EEA,
            ),
            ["rendez-vous"],
        ),
        (
            Processor(
                practice=lilas,
                name="Sauvegarde Express (démo)",
                service="Sauvegarde externalisée",
                data_categories=["civil", "health"],
                hosts_health_data=True,
                contract_signed_on=today - timedelta(days=900),
                clauses=["a", "b", "c"],
                hds_scope=[rules.HdsScope.MANAGED],
                hds_certifier="Organisme certificateur accrédité (démo)",
                hds_expires_on=today - timedelta(days=20),
                location="CH",
            ),
            ["dossier-patient"],
        ),
    ]
    for processor, keys in rows:
        processor.save()
        processor.activities.set([fiches[k] for k in keys if k in fiches])

"""Demo registry: the Lilas practice started its record from the presets and validated
most entries; one is overdue for review; the Vieux-Port physio has only drafts."""

from datetime import timedelta

from django.utils import timezone

from registry import cnil, services
from registry.content import load
from registry.models import Preset, ProcessingActivity


def seed(cast) -> None:
    if not Preset.objects.exists():
        load()
    lilas = cast.practices["cabinet-des-lilas"]
    admin = cast.users["claire.martin@demo.vigie.fr"]
    header = services.header_for(lilas)
    if not header.controller_last_name:
        header.controller_first_name, header.controller_last_name = "Claire", "Martin"
        header.controller_email = "claire.martin@demo.vigie.fr"
        header.controller_phone = "01 23 45 67 89"
        header.save()
    for preset in Preset.objects.all():
        if preset.applies_to(lilas.professions):
            services.adopt_preset(practice=lilas, preset_key=preset.key, user=admin)
    now = timezone.now()
    drafts = ProcessingActivity.objects.filter(practice=lilas, status=cnil.Status.DRAFT)
    for activity in drafts.exclude(preset_key="videoprotection"):
        services.set_status(activity=activity, status=cnil.Status.ACTIVE)
    late = ProcessingActivity.objects.filter(practice=lilas, preset_key="site-web").first()
    if late is not None:
        ProcessingActivity.objects.filter(pk=late.pk).update(
            next_review_at=now - timedelta(days=12), last_reviewed_at=now - timedelta(days=377)
        )
    kine = cast.practices["kine-du-vieux-port"]
    for key in ("dossier-patient", "rendez-vous", "facturation-sesam-vitale"):
        services.adopt_preset(practice=kine, preset_key=key, user=None)

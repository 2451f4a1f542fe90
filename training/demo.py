"""Demo training: passes across the team, one expiring soon, one newcomer who never started,
and an outside SensCyber attestation mapped by the admin."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.core.files.base import ContentFile
from django.utils import timezone

from practices.models import Membership
from training import services
from training.content import load
from training.models import Attempt, Certificate, ExternalAttestation, Module

# A one-page PDF, enough for the demo attestation file.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _pass(practice, user, module, finished_at) -> None:
    """A passed attempt of ``module`` dated ``finished_at`` (once: skipped if one exists)."""
    if Attempt.objects.filter(practice=practice, user=user, module=module, passed=True).exists():
        return
    attempt = services.attempt_start(practice=practice, user=user, module=module)
    right = {q.key: q.choices.get(correct=True).key for q in module.questions.all()}
    services.attempt_submit(attempt=attempt, answers=right)
    Attempt.objects.filter(pk=attempt.pk).update(
        started_at=finished_at - timedelta(minutes=12),
        finished_at=finished_at,
        lesson_reached=module.lessons.count(),
        expires_at=finished_at + relativedelta(months=module.validity_months),
    )
    Certificate.objects.filter(attempt=attempt).update(issued_at=finished_at)


def seed(cast) -> None:
    load()
    now = timezone.now()
    modules = {m.theme: m for m in Module.objects.all()}
    lilas = cast.practices["cabinet-des-lilas"]
    admin = cast.users["claire.martin@demo.vigie.fr"]
    for theme, module in modules.items():
        _pass(lilas, admin, module, now - timedelta(days=60 + theme))
    secretary = cast.users["sophie.bernard@demo.vigie.fr"]
    _pass(lilas, secretary, modules[1], now - timedelta(days=40))
    _pass(lilas, secretary, modules[2], now - timedelta(days=38))
    # Passed eleven months and ten days ago: expires within the month.
    _pass(lilas, secretary, modules[6], now - relativedelta(months=11, days=10))
    # The locum joined a month ago and has not started anything.
    locum = cast.users["lucas.petit@demo.vigie.fr"]
    Membership.objects.filter(
        practice=lilas, user=locum, joined_at__gt=now - timedelta(days=14)
    ).update(joined_at=now - timedelta(days=30))
    msp = cast.practices["msp-des-calanques"]
    front_desk = cast.users["julie.garnier@demo.vigie.fr"]
    for theme in (1, 4, 5, 6):
        _pass(msp, front_desk, modules[theme], now - timedelta(days=90 + theme))
    _senscyber(msp, cast.users["thomas.roux@demo.vigie.fr"], cast, [modules[t] for t in (1, 2, 6)])


def _senscyber(practice, user, cast, modules) -> None:
    if ExternalAttestation.objects.filter(practice=practice, user=user).exists():
        return
    completed = timezone.localdate() - timedelta(days=120)
    attestation = ExternalAttestation(
        practice=practice,
        user=user,
        title="SensCyber (ANSSI)",
        content_type="application/pdf",
        completed_on=completed,
        valid_until=completed + relativedelta(months=12),
        uploaded_at=timezone.now() - timedelta(days=110),
        mapped_at=timezone.now() - timedelta(days=100),
        mapped_by=cast.users["nadia.leroy@demo.vigie.fr"],
    )
    attestation.file.save("senscyber.pdf", ContentFile(DEMO_PDF), save=False)
    attestation.save()
    attestation.modules.set(modules)

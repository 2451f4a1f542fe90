"""URL fillers of the training space for the sweeps (tests/urlsweep.py FILLERS)."""

from django.core.files.base import ContentFile
from django.utils import timezone


def _member(practice):
    from practices.models import Membership
    from tests.factories import MembershipFactory

    membership = Membership.objects.filter(practice=practice).order_by("pk").first()
    return (membership or MembershipFactory(practice=practice)).user


def passed_attempt(practice):
    """A passed attempt (with its certificate) of a member of the practice."""
    from training import content, services
    from training.models import Attempt, Module

    attempt = Attempt.objects.filter(practice=practice, passed=True).first()
    if attempt is not None:
        return attempt
    if not Module.objects.exists():
        content.load()
    module = Module.objects.order_by("theme").first()
    attempt = services.attempt_start(practice=practice, user=_member(practice), module=module)
    right = {q.key: q.choices.get(correct=True).key for q in module.questions.all()}
    return services.attempt_submit(attempt=attempt, answers=right)


def attestation(practice):
    from training.models import ExternalAttestation

    found = ExternalAttestation.objects.filter(practice=practice).first()
    if found is not None:
        return found
    found = ExternalAttestation(
        practice=practice,
        user=_member(practice),
        title="SensCyber",
        content_type="application/pdf",
        completed_on=timezone.localdate(),
        valid_until=timezone.localdate(),
        uploaded_at=timezone.now(),
    )
    found.file.save("attestation.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    found.save()
    return found


FILLERS = {
    "attempt_id": lambda practice: passed_attempt(practice).public_id,
    "position": lambda practice: 1,
    "certificate_id": lambda practice: passed_attempt(practice).certificate.public_id,
    "attestation_id": lambda practice: attestation(practice).public_id,
}

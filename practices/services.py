"""Writes on practices and their people. Views stay thin and call these."""

from django.db import transaction
from django.utils.text import slugify

from portal import audit
from practices.models import MemberRole, Membership, Practice

PRACTICE_AUDIT_FIELDS = [
    "name",
    "professions",
    "address",
    "postcode",
    "city",
    "region",
    "siret",
    "finess",
]


def _unique_slug(name: str) -> str:
    base = slugify(name)[:60] or "cabinet"
    slug, n = base, 1
    while Practice.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def practice_create(*, user, request=None, **fields) -> Practice:
    """Create a practice; its creator becomes its admin."""
    practice = Practice.objects.create(slug=_unique_slug(fields["name"]), **fields)
    Membership.objects.create(practice=practice, user=user, role=MemberRole.ADMIN)
    audit.record(
        request=request,
        actor=user,
        practice=practice,
        action="practice.create",
        target=practice,
        changes={k: [None, v] for k, v in audit.snapshot(practice, PRACTICE_AUDIT_FIELDS).items()},
    )
    return practice

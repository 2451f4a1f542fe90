"""Writes on practices and their people. Views stay thin and call these."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from portal import audit
from practices.models import MemberRole, Membership, Oversight, Practice

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


class LastAdminError(Exception):
    pass


def _locked(membership: Membership) -> Membership:
    """The membership read again under a row lock, through its practice."""
    return (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user", "practice")
        .filter(practice_id=membership.practice_id, public_id=membership.public_id)
        .get()
    )


def _would_leave_no_admin(membership: Membership) -> bool:
    """True if this is the practice's only admin.

    Every admin row of the practice is locked (in a fixed order), so two admins demoting
    each other at the same moment cannot both succeed.
    """
    if membership.role != MemberRole.ADMIN:
        return False
    admins = Membership.objects.select_for_update().filter(
        practice_id=membership.practice_id, role=MemberRole.ADMIN
    )
    return set(admins.order_by("pk").values_list("pk", flat=True)) == {membership.pk}


@transaction.atomic
def practice_update(*, practice: Practice, request=None, **fields) -> Practice:
    before = audit.snapshot(practice, PRACTICE_AUDIT_FIELDS)
    for name, value in fields.items():
        setattr(practice, name, value)
    practice.save()
    changes = audit.diff(before, audit.snapshot(practice, PRACTICE_AUDIT_FIELDS))
    if changes:
        audit.record(
            request=request,
            practice=practice,
            action="practice.update",
            target=practice,
            changes=changes,
        )
    return practice


@transaction.atomic
def membership_update(*, membership: Membership, role: str, job: str, request=None) -> None:
    """Change role and job; the last admin cannot be demoted."""
    membership = _locked(membership)
    if role != MemberRole.ADMIN and _would_leave_no_admin(membership):
        raise LastAdminError
    before = audit.snapshot(membership, ["role", "job"])
    membership.role, membership.job = role, job
    membership.save(update_fields=["role", "job"])
    changes = audit.diff(before, audit.snapshot(membership, ["role", "job"]))
    if changes:
        audit.record(
            request=request,
            practice=membership.practice,
            action="membership.update",
            target=membership,
            target_label=membership.user.email,
            changes=changes,
        )


@transaction.atomic
def membership_remove(*, membership: Membership, request=None, leaving: bool = False) -> None:
    """Remove a member (``leaving``: they leave by themselves); the last admin cannot go."""
    membership = _locked(membership)
    if _would_leave_no_admin(membership):
        raise LastAdminError
    audit.record(
        request=request,
        practice=membership.practice,
        action="membership.leave" if leaving else "membership.remove",
        target=membership,
        target_label=membership.user.email,
        changes={"role": [membership.role, None], "job": [membership.job, None]},
    )
    membership.delete()


@transaction.atomic
def member_second_factor_reset(*, membership: Membership, request=None) -> None:
    """The member re-enrols an authenticator at next login; audited and e-mailed."""
    from portal.mfa.services import reset_second_factor  # portal.mfa sits above practices

    user = membership.user
    reset_second_factor(user=user)
    audit.record(
        request=request,
        practice=membership.practice,
        action="membership.mfa_reset",
        target=membership,
        target_label=user.email,
    )
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject, body = _mfa_reset_mail(membership.practice)
    transaction.on_commit(lambda: send_mail(subject, body, None, [user.email]))


def _mfa_reset_mail(practice: Practice) -> tuple[str, str]:
    body = _(
        "Bonjour,\n\nL'administrateur du cabinet %(practice)s a réinitialisé votre double "
        "authentification Vigie. À votre prochaine connexion, vous enregistrerez à nouveau "
        "votre application d'authentification (code QR) et recevrez de nouveaux codes de "
        "secours.\n\nSi vous ne l'avez pas demandé, contactez votre cabinet.\n\n%(url)s\n"
    ) % {"practice": practice.name, "url": settings.SITE_URL}
    return _("[Vigie] Double authentification réinitialisée"), body


@transaction.atomic
def oversight_revoke(*, oversight: Oversight, request=None) -> None:
    """End a delegate's access at once (the door reads live grants on every request)."""
    revoked = Oversight.objects.filter(pk=oversight.pk, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    if not revoked:
        return  # already revoked by a concurrent click
    audit.record(
        request=request,
        practice=oversight.practice,
        action="oversight.revoke",
        target=oversight,
        target_label=oversight.delegate.email,
        changes={"active": [True, False]},
    )

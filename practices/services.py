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


class LastAdminError(Exception):
    pass


def _would_leave_no_admin(membership: Membership) -> bool:
    if membership.role != MemberRole.ADMIN:
        return False
    others = Membership.objects.filter(practice=membership.practice, role=MemberRole.ADMIN)
    return not others.exclude(pk=membership.pk).exists()


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
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
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
def membership_remove(*, membership: Membership, request=None) -> None:
    """Remove a member (or let one leave); the last admin cannot go."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if _would_leave_no_admin(membership):
        raise LastAdminError
    audit.record(
        request=request,
        practice=membership.practice,
        action="membership.remove",
        target=membership,
        target_label=membership.user.email,
        changes={"role": [membership.role, None], "job": [membership.job, None]},
    )
    membership.delete()


@transaction.atomic
def member_second_factor_reset(*, membership: Membership, request=None) -> None:
    """The member re-enrols an authenticator at next login; audited and e-mailed."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.utils.translation import gettext as _

    from portal.mfa.services import reset_second_factor

    user = membership.user
    reset_second_factor(user=user)
    audit.record(
        request=request,
        practice=membership.practice,
        action="membership.mfa_reset",
        target=membership,
        target_label=user.email,
    )
    body = _(
        "Bonjour,\n\nL'administrateur du cabinet %(practice)s a réinitialisé votre double "
        "authentification Vigie. À votre prochaine connexion, vous enregistrerez à nouveau "
        "votre application d'authentification.\n\nSi vous n'êtes pas à l'origine de cette "
        "demande, prévenez votre cabinet.\n\n%(url)s\n"
    ) % {"practice": membership.practice.name, "url": settings.SITE_URL}
    transaction.on_commit(
        lambda: send_mail(
            _("[Vigie] Double authentification réinitialisée"), body, None, [user.email]
        )
    )


@transaction.atomic
def oversight_revoke(*, oversight, request=None) -> None:
    from django.utils import timezone

    oversight.revoked_at = timezone.now()
    oversight.save(update_fields=["revoked_at"])
    audit.record(
        request=request,
        practice=oversight.practice,
        action="oversight.revoke",
        target=oversight,
        target_label=oversight.delegate.email,
        changes={"active": [True, False]},
    )

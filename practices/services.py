"""Writes on practices and their people. Views stay thin and call these."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from portal import audit
from portal.mail import send_after_commit
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


class SecondFactorResetRefused(Exception):
    """The person also belongs to another practice or is a delegate: only the platform
    operator may reset their second factor (``manage.py reset_second_factor``)."""


PLATFORM = "platform"  # ``reset_by`` of a reset made by the platform operator


def shared_elsewhere(user, practice) -> bool:
    """Whether the person reaches anything beyond ``practice``: another membership, or a
    live delegate grant. Their second factor is then not the practice's to reset."""
    return (
        Membership.objects.filter(user=user).exclude(practice=practice).exists()
        or Oversight.objects.filter(delegate=user, revoked_at=None).exists()
    )


@transaction.atomic
def member_second_factor_reset(*, membership: Membership, request=None) -> None:
    """A practice admin resets a member who is theirs alone; refused for anyone else.

    The member re-enrols an authenticator at next login; audited and e-mailed.
    """
    membership = _locked(membership)
    if shared_elsewhere(membership.user, membership.practice):
        raise SecondFactorResetRefused
    _second_factor_reset(membership.user, request=request, by=membership.practice)


@transaction.atomic
def platform_second_factor_reset(*, user) -> list[Practice]:
    """The platform operator resets anyone (a locum, a delegate); returns the practices
    whose trail records it."""
    return _second_factor_reset(user, by=None)


def _second_factor_reset(user, *, request=None, by: Practice | None) -> list[Practice]:
    """Remove every device and session of ``user``; one event in the trail of each practice
    the person belongs to (or oversees, for a delegate); one e-mail to the person."""
    from portal.mfa.services import reset_second_factor  # portal.mfa sits above practices

    reset_second_factor(user=user)
    reset_by = {"reset_by": [None, by.name if by is not None else PLATFORM]}
    practices = []
    places = [
        ("membership.mfa_reset", m)
        for m in Membership.objects.filter(user=user).select_related("practice")
    ] + [
        ("oversight.mfa_reset", o)
        for o in Oversight.objects.filter(delegate=user, revoked_at=None).select_related("practice")
    ]
    for action, target in places:
        audit.record(
            request=request,
            practice=target.practice,
            action=action,
            target=target,
            target_label=user.email,
            changes=reset_by,
        )
        practices.append(target.practice)
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject, body = _mfa_reset_mail(by)
    send_after_commit(lambda: send_mail(subject, body, None, [user.email]), "second-factor reset")
    return practices


def _mfa_reset_mail(practice: Practice | None) -> tuple[str, str]:
    if practice is None:
        opening = _(
            "L'opérateur de la plateforme Vigie a réinitialisé votre double authentification."
        )
        contact = _("Si vous ne l'avez pas demandé, répondez à ce message.")
    else:
        opening = _(
            "L'administrateur du cabinet %(practice)s a réinitialisé votre double "
            "authentification Vigie."
        ) % {"practice": practice.name}
        contact = _("Si vous ne l'avez pas demandé, contactez votre cabinet.")
    body = _(
        "Bonjour,\n\n%(opening)s À votre prochaine connexion, vous enregistrerez à nouveau "
        "votre application d'authentification (code QR) et recevrez de nouveaux codes de "
        "secours.\n\n%(contact)s\n\n%(url)s\n"
    ) % {"opening": opening, "contact": contact, "url": settings.SITE_URL}
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

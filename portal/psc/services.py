"""Linking a person's account to their Pro Santé Connect identity, and undoing it.

The link is allauth's SocialAccount (provider ``psc``, uid = the national identifier
SubjectNameID); ``User.rpps`` repeats the identifier so pages, certificates and the audit
trail name the person with it without another query. Both change together, audited.
PSC never creates a practice membership: an account is created here only for a pending
invitation, which then gives the membership as any invitation does.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal import audit
from portal.psc import claims
from portal.psc.claims import Identity
from portal.psc.config import PROVIDER_ID
from practices.models import Job


class LinkError(Exception):
    """Why the link cannot be made or undone (a French sentence)."""


def already_linked_elsewhere() -> LinkError:
    return LinkError(
        _(
            "Cet identifiant RPPS est déjà lié à un autre compte Vigie. Connectez-vous avec ce "
            "compte-là, ou demandez à son titulaire de délier Pro Santé Connect depuis sa page "
            "Sécurité du compte."
        )
    )


def linked_account(user) -> SocialAccount | None:
    return SocialAccount.objects.filter(user=user, provider=PROVIDER_ID).first()


def _extra(identity: Identity) -> dict:
    return {
        "userinfo": {
            "SubjectNameID": identity.national_id,
            "given_name": identity.first_name,
            "family_name": identity.last_name,
            "codeProfession": identity.profession_code,
        }
    }


@transaction.atomic
def link(*, user, identity: Identity, request=None) -> SocialAccount:
    """Link ``identity`` to ``user`` (already linked to the same: nothing changes)."""
    current = linked_account(user)
    if current is not None:
        if current.uid == identity.national_id:
            return current
        raise LinkError(
            _(
                "Votre compte est déjà lié à un autre identifiant RPPS (%(rpps)s). Déliez-le "
                "d'abord depuis la page Sécurité du compte."
            )
            % {"rpps": current.uid}
        )
    if SocialAccount.objects.filter(provider=PROVIDER_ID, uid=identity.national_id).exists():
        raise already_linked_elsewhere()
    try:
        with transaction.atomic():
            account = SocialAccount.objects.create(
                user=user,
                provider=PROVIDER_ID,
                uid=identity.national_id,
                extra_data=_extra(identity),
            )
    except IntegrityError as error:  # linked elsewhere in the meantime
        raise already_linked_elsewhere() from error
    user.rpps = identity.national_id
    user.save(update_fields=["rpps"])
    audit.record(
        request=request,
        actor=user,
        action="psc.link",
        target=user,
        target_label=user.email,
        changes={"rpps": [None, identity.national_id]},
    )
    return account


def has_other_way_in(user) -> bool:
    """A password (with its second factor) still opens the account without PSC."""
    return user.has_usable_password()


@transaction.atomic
def unlink(*, user, request=None) -> None:
    account = linked_account(user)
    if account is None:
        raise LinkError(_("Votre compte n'est pas lié à Pro Santé Connect."))
    if not has_other_way_in(user):
        raise LinkError(
            _(
                "Pro Santé Connect est votre seul moyen de connexion : définissez d'abord un mot "
                "de passe, puis déliez-le."
            )
        )
    uid = account.uid
    account.delete()
    user.rpps = ""
    user.save(update_fields=["rpps"])
    audit.record(
        request=request,
        actor=user,
        action="psc.unlink",
        target=user,
        target_label=user.email,
        changes={"rpps": [uid, None]},
    )


@transaction.atomic
def create_invited_user(*, invitation, identity: Identity, request=None):
    """The invitee's account, opened with PSC: no password, the invited e-mail verified
    (the link reached it), names from PSC. The membership comes from the invitation, once
    the second factor is enrolled, as for any invitee."""
    user = get_user_model().objects.create_user(
        email=invitation.email,
        password=None,
        first_name=identity.first_name[:150],
        last_name=identity.last_name[:150],
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    link(user=user, identity=identity, request=request)
    return user


def profession_job(account: SocialAccount | None) -> str | None:
    """The Vigie job PSC's profession maps to (None: no link, or a profession without one)."""
    if account is None:
        return None
    userinfo = (account.extra_data or {}).get("userinfo") or {}
    return claims.PROFESSION_TO_JOB.get(str(userinfo.get("codeProfession") or ""))


def job_label(account: SocialAccount | None) -> str:
    job = profession_job(account)
    return str(Job(job).label) if job else ""

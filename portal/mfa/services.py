"""Second-factor actions: enrol, verify, recovery codes, reset. Views stay thin."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from portal.mfa.models import EncryptedTOTPDevice

RECOVERY_DEVICE_NAME = "recovery"
RECOVERY_CODE_COUNT = 10
PENDING_NAME = "pending"


def confirmed_totp(user) -> EncryptedTOTPDevice | None:
    return EncryptedTOTPDevice.objects.filter(user=user, confirmed=True).first()


PENDING_SESSION_KEY = "vigie_mfa_pending_device"
PENDING_LIFETIME = timedelta(days=1)


def pending_totp(user, session) -> EncryptedTOTPDevice:
    """The unconfirmed authenticator of this enrolment attempt, bound to its session.

    Each session that reaches enrolment (after the password, or to replace the app) gets
    its own secret, kept across reloads of that session only: a second session that knows
    the password is shown another secret, never this one. Pending devices left for more
    than a day are dropped when a new one is made.
    """
    device_id = session.get(PENDING_SESSION_KEY)
    if device_id is not None:
        device = EncryptedTOTPDevice.objects.filter(
            pk=device_id, user=user, confirmed=False
        ).first()
        if device is not None:
            return device
    EncryptedTOTPDevice.objects.filter(
        user=user, confirmed=False, created_at__lt=timezone.now() - PENDING_LIFETIME
    ).delete()
    device = EncryptedTOTPDevice(user=user, name=PENDING_NAME, confirmed=False)
    device.set_secret(EncryptedTOTPDevice.new_secret())
    device.save()
    session[PENDING_SESSION_KEY] = device.pk
    return device


@transaction.atomic
def confirm_totp(*, device: EncryptedTOTPDevice, token: str, replacing: bool = False) -> bool:
    """Confirm a pending authenticator with a current code.

    Only this device becomes confirmed: every other device of the person (the pending
    ones of other sessions, and the replaced one) is deleted in the same transaction.

    At first enrolment (``replacing=False``) it is refused if the user already has a
    confirmed authenticator; from the security page (``replacing=True``, a verified and
    re-authenticated session) the new one replaces the old one once confirmed.
    """
    if not replacing and confirmed_totp(device.user) is not None:
        return False
    if not device.verify_token(token):
        return False
    EncryptedTOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.name = _("Application d'authentification")
    device.save()
    return True


def throttle_message(device) -> str | None:
    """A French sentence saying how long to wait, or None when a code may be tried."""
    if device is None:
        return None
    allowed, info = device.verify_is_allowed()
    if allowed:
        return None
    locked_until = (info or {}).get("locked_until")
    seconds = max(1, int((locked_until - timezone.now()).total_seconds())) if locked_until else 1
    return ngettext(
        "Trop d'essais incorrects. Patientez %(seconds)s seconde avant de réessayer.",
        "Trop d'essais incorrects. Patientez %(seconds)s secondes avant de réessayer.",
        seconds,
    ) % {"seconds": seconds}


def _is_app_code(token: str) -> bool:
    return token.isdigit() and len(token) == EncryptedTOTPDevice.DIGITS


def verify_second_factor(user, token: str):
    """``(device, None)`` if the code (app or recovery code) is right, else ``(None, error)``.

    Six digits are an app code; anything else is tried as a recovery code. Every wrong
    code counts towards the authenticator's throttling.
    """
    token = (token or "").strip().replace(" ", "").replace("-", "").lower()
    totp = confirmed_totp(user)
    if totp is None:
        return None, _("Aucune application d'authentification n'est enregistrée.")
    waiting = throttle_message(totp)
    if waiting:
        return None, waiting
    if _is_app_code(token):
        if totp.verify_token(token):
            return totp, None
    else:
        recovery = StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME).first()
        if recovery is not None and token and recovery.verify_token(token):
            return recovery, None
        totp.throttle_increment(commit=True)
    return None, _(
        "Ce code n'est pas valable. Saisissez le code à 6 chiffres affiché maintenant par "
        "votre application, ou un code de secours."
    )


@transaction.atomic
def regenerate_recovery_codes(user) -> list[str]:
    """Ten new single-use codes; the old ones stop working."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY_DEVICE_NAME).count()


def end_other_sessions(user) -> None:
    """Invalidate every session of the user (the caller re-keys its own, if it keeps it)."""
    user.session_salt = secrets.token_hex(16)
    user.save(update_fields=["session_salt"])


@transaction.atomic
def reset_second_factor(*, user) -> None:
    """Remove every device of the user and end their sessions: they re-enrol at next login."""
    EncryptedTOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    end_other_sessions(user)

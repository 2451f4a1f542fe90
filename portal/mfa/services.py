"""Second-factor actions: enrol, verify, recovery codes, reset. Views stay thin."""

from __future__ import annotations

import math
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


# A wait shorter than this is not worth a sentence: typing the next code takes longer.
WAIT_WORTH_TELLING = 5


def throttle_wait(device) -> int:
    """Whole seconds before the device accepts another code (0: a code may be tried now).

    django-otp doubles the wait after each wrong code (1 s, 2 s, 4 s, 8 s…)."""
    if device is None:
        return 0
    allowed, info = device.verify_is_allowed()
    if allowed:
        return 0
    locked_until = (info or {}).get("locked_until")
    if locked_until is None:
        return 1
    return max(1, math.ceil((locked_until - timezone.now()).total_seconds()))


def throttle_message(device) -> str | None:
    """The sentence saying how long to wait, or None when there is no wait worth telling.

    A first wrong code locks the device for one second: the person is told the code is
    wrong, not to wait (the next code cannot be typed in under a second anyway)."""
    seconds = throttle_wait(device)
    if seconds < WAIT_WORTH_TELLING:
        return None
    return ngettext(
        "Trop d'essais incorrects. Patientez %(seconds)s seconde avant de réessayer.",
        "Trop d'essais incorrects. Patientez %(seconds)s secondes avant de réessayer.",
        seconds,
    ) % {"seconds": seconds}


def blocked(device) -> str | None:
    """Before a code is checked: why it cannot be checked now, or None.

    A code sent during a short wait is not checked (it may well be right), so it is asked
    for again in a few seconds rather than called wrong."""
    seconds = throttle_wait(device)
    if seconds >= WAIT_WORTH_TELLING:
        return throttle_message(device)
    if seconds:
        return _("Un code vient d'être refusé : réessayez dans quelques secondes.")
    return None


def wrong_code(device, wrong: str) -> str:
    """After a wrong code: ``wrong``, and the wait it caused when that wait is worth telling."""
    waiting = throttle_message(device)
    return f"{wrong} {waiting}" if waiting else wrong


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
    refused = blocked(totp)
    if refused:
        return None, refused
    if _is_app_code(token):
        if totp.verify_token(token):
            return totp, None
    else:
        recovery = StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME).first()
        if recovery is not None and token and recovery.verify_token(token):
            return recovery, None
        totp.throttle_increment(commit=True)
    return None, wrong_code(
        totp,
        _(
            "Code incorrect. Saisissez le code à 6 chiffres affiché maintenant par votre "
            "application, ou un code de secours."
        ),
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

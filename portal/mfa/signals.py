"""Marks a new session as verified once allauth has logged in a user who passed the
TOTP stage (the stage runs before Django's login, so it stashes the device here)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django_otp import login as otp_login
from django_otp.models import Device

VERIFIED_SESSION_KEY = "vigie_mfa_verified"
SHOW_RECOVERY_SESSION_KEY = "vigie_mfa_show_recovery"


def mark_verified(request, user, device) -> None:
    """Remember, across allauth's login, which device this user just verified."""
    request.session[VERIFIED_SESSION_KEY] = [user.pk, device.persistent_id]


@receiver(user_logged_in)
def finish_second_factor(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    stashed = request.session.pop(VERIFIED_SESSION_KEY, None)
    if not stashed or stashed[0] != user.pk:
        return
    device = Device.from_persistent_id(stashed[1], for_verify=False)
    if device is not None and device.user_id == user.pk and device.confirmed:
        otp_login(request, device)

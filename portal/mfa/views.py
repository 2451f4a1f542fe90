import segno
from allauth.account.decorators import reauthentication_required
from allauth.account.stages import LoginStageController
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from portal.mfa import services
from portal.mfa.forms import CodeForm, NewDeviceCodeForm
from portal.mfa.signals import SHOW_RECOVERY_SESSION_KEY, mark_verified
from portal.mfa.stages import STAGE_KEY
from portal.psc import services as psc_services
from practices.access import keeps_practice

COMPATIBLE_APPS = [
    "FreeOTP",
    "Aegis (Android)",
    "Google Authenticator",
    "Microsoft Authenticator",
    "Bitwarden, 1Password, KeePassXC",
]


def _qr_svg(uri: str) -> str:
    return segno.make(uri, error="m").svg_inline(scale=5, omitsize=True, svgclass="qr-code")


def _enrolment_context(device, form):
    key = device.base32_secret
    return {
        "form": form,
        "qr_svg": _qr_svg(device.config_url),
        # A QR code cannot be scanned by the phone that shows it: the same otpauth:// link
        # opens the authenticator app installed on that phone.
        "otpauth_url": device.config_url,
        "key_groups": " ".join(key[i : i + 4] for i in range(0, len(key), 4)),
        "apps": COMPATIBLE_APPS,
    }


def _stage(request):
    return LoginStageController.enter(request, STAGE_KEY)


@never_cache
def authenticate(request):
    """Login, second step: a code from the app or a recovery code."""
    stage = _stage(request)
    if stage is None:
        return redirect("account_login")
    user = stage.login.user
    if services.confirmed_totp(user) is None:
        return redirect("mfa_enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, error = services.verify_second_factor(user, form.cleaned_data["code"])
        if device is not None:
            mark_verified(request, user, device)
            return stage.exit()
        form.add_error("code", error)
    # On arrival, a long wait still running is said once; after a refused code, its error says it.
    waiting = None if form.errors else services.throttle_message(services.confirmed_totp(user))
    return render(request, "mfa/authenticate.html", {"form": form, "waiting": waiting})


@never_cache
def enrol(request):
    """First login without an authenticator: enrolment is forced before the login ends."""
    stage = _stage(request)
    if stage is None:
        return redirect("account_login")
    user = stage.login.user
    if services.confirmed_totp(user) is not None:
        # A password alone must never let anyone swap in their own authenticator.
        return redirect("mfa_authenticate")
    device = services.pending_totp(user, request.session)
    form = NewDeviceCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        error = services.blocked(device)
        if error is None:
            if services.confirm_totp(device=device, token=form.cleaned_data["code"]):
                request.session.pop(services.PENDING_SESSION_KEY, None)
                request.session[SHOW_RECOVERY_SESSION_KEY] = True
                mark_verified(request, user, device)
                # The codes come first, whatever page the login was heading to.
                stage.login.redirect_url = reverse("mfa_recovery_codes")
                return stage.exit()
            error = services.wrong_code(
                device, _("Code incorrect. Vérifiez l'heure de votre téléphone et réessayez.")
            )
        form.add_error("code", error)
    return render(request, "mfa/enrol.html", _enrolment_context(device, form))


@login_required
@never_cache
@keeps_practice
def recovery_codes(request):
    """Fresh recovery codes, shown once right after enrolment (or after regeneration).

    The page carries the text file itself (a ``data:`` link): the codes are never kept
    in the session, not even until a download.
    """
    if not request.session.pop(SHOW_RECOVERY_SESSION_KEY, False):
        return redirect("mfa_security")
    codes = services.regenerate_recovery_codes(request.user)
    heading = _("Codes de secours Vigie pour %(email)s (chacun ne sert qu'une fois) :") % {
        "email": request.user.email
    }
    download = heading + "\n\n" + "\n".join(codes) + "\n"
    return render(request, "mfa/recovery_codes.html", {"codes": codes, "download": download})


@login_required
@keeps_practice
def security(request):
    psc_account = psc_services.linked_account(request.user)
    return render(
        request,
        "mfa/security.html",
        {
            "codes_left": services.recovery_codes_left(request.user),
            "device": services.confirmed_totp(request.user),
            "psc_account": psc_account,
            "psc_job": psc_services.job_label(psc_account),
            "psc_can_unlink": psc_services.has_other_way_in(request.user),
        },
    )


@require_POST
@reauthentication_required
def regenerate_codes(request):
    request.session[SHOW_RECOVERY_SESSION_KEY] = True
    return redirect("mfa_recovery_codes")


@reauthentication_required
@never_cache
@keeps_practice
def replace_device(request):
    """A new authenticator, confirmed with its own code before the old one is removed."""
    device = services.pending_totp(request.user, request.session)
    form = NewDeviceCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        error = services.blocked(device)
        if error is None:
            if services.confirm_totp(device=device, token=code, replacing=True):
                request.session.pop(services.PENDING_SESSION_KEY, None)
                otp_login(request, device)
                messages.success(
                    request, _("Votre nouvelle application d'authentification est active.")
                )
                return redirect("mfa_security")
            error = services.wrong_code(device, _("Code incorrect. Réessayez."))
        form.add_error("code", error)
    return render(request, "mfa/replace.html", _enrolment_context(device, form))


@require_POST
@login_required
def logout_other_sessions(request):
    services.end_other_sessions(request.user)
    update_session_auth_hash(request, request.user)
    messages.success(request, _("Vos autres sessions ont été fermées."))
    return redirect("mfa_security")

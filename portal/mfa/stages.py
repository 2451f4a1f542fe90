"""The TOTP login stage: runs after allauth's password check, before Django's login.

A user with an authenticator types a code (or a recovery code); a user without one is
forced to enrol one first. Only then does allauth complete the login, and
``portal.mfa.signals`` marks the new session as verified with django-otp.
"""

from allauth.account.stages import LoginStage
from django.shortcuts import redirect

from portal.mfa.services import confirmed_totp

STAGE_KEY = "vigie_totp"


class TOTPStage(LoginStage):
    key = STAGE_KEY

    def handle(self):
        if confirmed_totp(self.login.user) is None:
            return redirect("mfa_enrol"), True
        return redirect("mfa_authenticate"), True

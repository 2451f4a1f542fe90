from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """allauth adapter: adds the TOTP stage after the password check."""

    def get_login_stages(self):
        return [*super().get_login_stages(), "portal.mfa.stages.TOTPStage"]

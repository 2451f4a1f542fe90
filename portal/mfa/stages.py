from allauth.account.stages import LoginStage


class TOTPStage(LoginStage):
    """Placeholder: replaced by the real enrolment / verification stage."""

    key = "vigie_totp"

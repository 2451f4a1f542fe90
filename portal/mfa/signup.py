"""The sign-up form: allauth's, plus the answer to two sign-ups with the same address at
the same moment.

Both pass the "address already used?" check before either is committed; the second's
INSERT then fails on the unique address. It gets what any sign-up with a known address gets
(allauth's enumeration-proof answer: "we sent you an e-mail", and a mail to the address
saying an account exists), not a server error. Kept apart from ``portal.mfa.forms``, which
allauth imports while building this form's base class.
"""

from allauth.account.forms import SignupForm as AllauthSignupForm
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction


class SignupForm(AllauthSignupForm):
    def try_save(self, request):
        try:
            with transaction.atomic():  # a savepoint: the request's transaction survives
                return super().try_save(request)
        except IntegrityError:
            email = self.cleaned_data.get("email", "")
            if not get_user_model().objects.filter(email__iexact=email).exists():
                raise
            self.account_already_exists = True
            return super().try_save(request)

"""The platform operator resets a person's second factor (a locum, a delegate, anyone).

    python manage.py reset_second_factor person@example.fr

Every authenticator and recovery code of the person is removed and their sessions end;
they enrol a new app at their next login. The reset is recorded in the audit trail of each
practice they belong to (or oversee, as a delegate) and the person is e-mailed. Check the
person's identity first (a call back on a number known to a practice, not one given in the
request). A practice admin can reset, from the Équipe page, only a person who belongs to
that practice alone and is no delegate.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from practices.services import platform_second_factor_reset


class Command(BaseCommand):
    help = "Reset a person's second factor (platform operator), recorded in every trail."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"Aucun compte pour {email}.")
        practices = platform_second_factor_reset(user=user)
        names = ", ".join(sorted(p.name for p in practices)) or "aucun cabinet"
        self.stdout.write(
            f"Double authentification de {user.email} réinitialisée ; e-mail envoyé ; "
            f"inscrite au journal de : {names}."
        )

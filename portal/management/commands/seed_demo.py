from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal import demo


class Command(BaseCommand):
    help = "Create (or refresh) the demo practices, people and records. Never in production."

    def handle(self, *args, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("seed_demo refuses to run with production settings.")
        cast = demo.seed()
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))
        self.stdout.write(f"Mot de passe de tous les comptes : {demo.DEMO_PASSWORD}")
        self.stdout.write(
            "À la première connexion, Vigie vous fait enregistrer une application "
            "d'authentification (TOTP)."
        )
        for email, _first, _last, slug, role, _job in demo.PEOPLE:
            self.stdout.write(f"  {email:34} {role:6} {cast.practices[slug].name}")
        self.stdout.write(f"  {cast.delegate.email:34} délégué (2 cabinets)")

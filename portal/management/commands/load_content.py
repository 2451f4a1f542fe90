from django.core.management.base import BaseCommand

from portal.content import load_all


class Command(BaseCommand):
    help = "Load (or update) the shipped content files: presets, modules, checklists."

    def handle(self, *args, **options):
        load_all(stdout=self.stdout)

"""Print each bullet of the good-practice sheet with what covers it in the spaces' content
(their contracts' ``seed_coverage``: checklist items, quiz questions); fail (exit status 1)
when a bullet is covered by none, or when content names a bullet that does not exist."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal import spaces
from training import content as training_content

CONTRIBUTIONS = [space.seed_coverage for space in spaces.SPACES if space.seed_coverage]


class Command(BaseCommand):
    help = "Couverture des points de la fiche de bonnes pratiques par les contrôles et les quiz."

    def add_arguments(self, parser):
        # The sheet itself ships with the training space (its modules follow its themes).
        parser.add_argument("--bullets", type=Path, default=training_content.BULLETS)
        for contribution in CONTRIBUTIONS:
            parser.add_argument(f"--{contribution.option}", type=Path, default=None)

    def handle(self, *args, bullets, **options):
        seed = training_content.bullets(bullets)
        covered_by = [
            (c.label, c.collect(options.get(c.option) or c.default)) for c in CONTRIBUTIONS
        ]
        width = max(len(label) for label, _found in covered_by)
        uncovered = []
        for bullet in seed:
            self.stdout.write(f"{bullet['id']}  {bullet['text']}")
            for label, found in covered_by:
                for text in found.get(bullet["id"], []):
                    self.stdout.write(f"    {label:<{width}} : {text}")
            if not any(found.get(bullet["id"]) for _label, found in covered_by):
                self.stdout.write("    NON COUVERT")
                uncovered.append(bullet["id"])
        known = {b["id"] for b in seed}
        unknown = sorted(set().union(*(found for _label, found in covered_by)) - known)
        covered = len(seed) - len(uncovered)
        self.stdout.write(f"\n{covered}/{len(seed)} points couverts.")
        if unknown:
            raise CommandError(f"Points inconnus cités par le contenu : {', '.join(unknown)}")
        if uncovered:
            raise CommandError(f"Points non couverts : {', '.join(uncovered)}")

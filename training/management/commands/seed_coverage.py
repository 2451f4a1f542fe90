"""Print each bullet of the good-practice sheet with the checklist items and quiz questions
that cover it; fail (exit status 1) when a bullet is covered by neither, or when content
names a bullet that does not exist."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from practices.checklists import content as checklist_content
from training import content as training_content


class Command(BaseCommand):
    help = "Couverture des points de la fiche de bonnes pratiques par les contrôles et les quiz."

    def add_arguments(self, parser):
        parser.add_argument("--bullets", type=Path, default=training_content.BULLETS)
        parser.add_argument("--modules", type=Path, default=training_content.MODULES_DIR)
        parser.add_argument("--checklists", type=Path, default=checklist_content.CONTENT)

    def handle(self, *args, bullets, modules, checklists, **options):
        seed = training_content.bullets(bullets)
        by_checklist = checklist_content.seed_coverage(checklists)
        by_quiz = training_content.seed_coverage(modules)
        uncovered = []
        for bullet in seed:
            self.stdout.write(f"{bullet['id']}  {bullet['text']}")
            for label in by_checklist.get(bullet["id"], []):
                self.stdout.write(f"    contrôle : {label}")
            for label in by_quiz.get(bullet["id"], []):
                self.stdout.write(f"    quiz     : {label}")
            if not by_checklist.get(bullet["id"]) and not by_quiz.get(bullet["id"]):
                self.stdout.write("    NON COUVERT")
                uncovered.append(bullet["id"])
        known = {b["id"] for b in seed}
        unknown = sorted((set(by_checklist) | set(by_quiz)) - known)
        covered = len(seed) - len(uncovered)
        self.stdout.write(f"\n{covered}/{len(seed)} points couverts.")
        if unknown:
            raise CommandError(f"Points inconnus cités par le contenu : {', '.join(unknown)}")
        if uncovered:
            raise CommandError(f"Points non couverts : {', '.join(uncovered)}")

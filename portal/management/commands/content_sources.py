"""Print every legal statement of the shipped content with its sources and the date each
was checked; fail (exit status 1) when a statement has no source, when a date checked is
older than 12 months (or in the future), or when a retention period gives no figure and
is not left for the practice to fill in."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import override

from portal import content, sources


def _short(text: str, width: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


class Command(BaseCommand):
    help = "Sources des énoncés juridiques du contenu livré, avec leur date de vérification."

    def handle(self, *args, **options):
        today = timezone.localdate()
        failing = []
        count = 0
        with override("fr"):
            found = content.statements()
            for statement in found:
                count += len(statement.sources)
                self.stdout.write(f"{statement.where}")
                self.stdout.write(f"    {_short(statement.text)}")
                self.stdout.write(f"    {sources.line(statement.sources) or 'Source : AUCUNE'}")
                wrong = sources.problems(statement, today)
                for problem in wrong:
                    self.stdout.write(f"    ERREUR : {problem}")
                if wrong:
                    failing.append(statement.where)
        pending = sum(any(s.confirm for s in st.sources) for st in found)
        self.stdout.write(
            f"\n{len(found)} énoncés, {count} sources, {pending} à valider, "
            f"{len(failing)} en erreur (vérification au {today:%d/%m/%Y})."
        )
        if failing:
            raise CommandError("Énoncés sans source valable : " + ", ".join(failing))

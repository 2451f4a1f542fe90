"""``python manage.py verify_audit [--practice SLUG] [--platform]``: walk the audit trail's hash
chains; exit 1 naming the first broken link of each broken chain.

Stores each chain's result on its head row (shown on the audit page). Compares the chains
with the heads kept in the anchor log (``VIGIE_AUDIT_ANCHOR_LOG``); ``--anchor SEQ:HASH``
checks one head noted elsewhere (an admin's copy, the log of another host).
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal import audit_chain
from portal.models import AuditEvent
from practices.models import Practice


class Command(BaseCommand):
    help = "Vérifie les chaînes d'empreintes du journal d'audit."

    def add_arguments(self, parser):
        parser.add_argument("--practice", metavar="SLUG", help="un seul cabinet")
        parser.add_argument(
            "--platform", action="store_true", help="seulement la chaîne de la plateforme"
        )
        parser.add_argument(
            "--anchor",
            metavar="SEQ:HASH",
            help="une tête notée ailleurs, qui doit se retrouver dans la chaîne (avec --practice)",
        )

    def handle(self, *args, practice=None, platform=False, anchor=None, **options):
        practice_id, only = None, False
        if practice:
            found = Practice.objects.filter(slug=practice).values_list("pk", flat=True).first()
            if found is None:
                raise CommandError(f"Aucun cabinet « {practice} ».")
            practice_id, only = found, True
        elif platform:
            only = True
        now = timezone.now()
        if platform:
            results = audit_chain.check_anchors(audit_chain.verify(platform=True))
            audit_chain.store_results(results, now)
        else:
            results = audit_chain.run_check(now, practice_id=practice_id, only=only)
        if anchor:
            self._check_anchor(anchor, practice_id, results)
        for result in results:
            style = self.style.SUCCESS if result.ok else self.style.ERROR
            self.stdout.write(style(result.describe()))
        if not results:
            self.stdout.write("Aucun événement.")
        broken = [r for r in results if not r.ok]
        if broken:
            first = broken[0]
            raise CommandError(
                f"{len(broken)} chaîne(s) rompue(s) ; premier lien rompu : {first.describe()}",
                returncode=1,
            )

    def _check_anchor(self, anchor, practice_id, results):
        seq, _, digest = anchor.partition(":")
        if not seq.isdigit() or len(digest) != 64:
            raise CommandError("--anchor attend SEQ:HASH (un numéro, deux-points, 64 signes).")
        stored = (
            AuditEvent.objects.filter(practice_id=practice_id, seq=int(seq))
            .values_list("hash", flat=True)
            .first()
        )
        for result in results:
            if result.practice_id == practice_id and result.ok and stored != digest:
                result.broken_seq = int(seq)
                result.problem = f"la tête notée (n° {seq}) ne se retrouve plus dans la chaîne"

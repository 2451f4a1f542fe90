"""``python manage.py send_reminders``: the sweep once, sending in this process.

For the embedded mode (no Redis) and for cron: every 15 minutes ``send_reminders``, every
morning ``send_reminders --digest daily``, on Mondays ``send_reminders --digest weekly``.
"""

from django.core.management.base import BaseCommand

from portal.notifications import dispatch, tasks
from portal.notifications.models import Mode
from portal.notifications.sweep import run_sweep


class Command(BaseCommand):
    help = "Run the reminder sweep once and send what is due, without a worker."

    def add_arguments(self, parser):
        parser.add_argument(
            "--digest",
            choices=[Mode.DAILY, Mode.WEEKLY],
            help="Also send the daily or weekly digests that are waiting.",
        )
        parser.add_argument(
            "--queue",
            action="store_true",
            help="Queue the mails for the Celery workers instead of sending them here.",
        )

    def handle(self, *args, digest=None, queue=False, **options):
        enqueue = tasks.enqueue_sends if queue else dispatch.send_inline
        stats = run_sweep(enqueue=enqueue)
        self.stdout.write(
            f"due={stats.due} rows={stats.rows} sent_or_queued={stats.queued} "
            f"waiting={stats.queue_failed} seconds={stats.seconds:.2f}"
        )
        if stats.broken_sources:
            self.stderr.write("broken sources: " + ", ".join(stats.broken_sources))
        if digest:
            if queue:
                done, waiting = tasks.enqueue_digests(digest)
            else:
                done, waiting = dispatch.digests_inline(digest), 0
            self.stdout.write(f"digests={done} waiting={waiting}")

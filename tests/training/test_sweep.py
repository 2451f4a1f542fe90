"""The portal's reminder sweep picks up the training kinds from the demo data."""

from django.utils import timezone

from portal import demo
from portal.notifications import sweep, tasks
from portal.notifications.models import SentReminder


def test_the_sweep_writes_training_reminders_once(db):
    cast = demo.seed()
    now = timezone.now()
    stats = sweep.run_sweep(now, enqueue=tasks.enqueue_sends)
    assert stats.broken_sources == []
    locum = cast.users["lucas.petit@demo.vigie.fr"]
    secretary = cast.users["sophie.bernard@demo.vigie.fr"]
    rows = SentReminder.objects.filter(kind__startswith="training.")
    # Only where he joined a month ago (Lilas), not where he joined today.
    assert rows.filter(kind="training.never_started", recipient=locum).count() == 1
    assert rows.filter(kind="training.expiring", recipient=secretary).count() == 1
    count = rows.count()
    sweep.run_sweep(now, enqueue=tasks.enqueue_sends)
    assert SentReminder.objects.filter(kind__startswith="training.").count() == count

from celery import shared_task
from django.utils import timezone


@shared_task(ignore_result=False)
def heartbeat() -> str:
    """Proves the worker runs: returns the time it ran, in ISO format."""
    return timezone.now().isoformat()

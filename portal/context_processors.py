from django.conf import settings
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from portal.psc.config import enabled as psc_enabled
from practices.roles import can


def _open_incidents(practice) -> list:
    """The banner's incidents: read only by a page of a practice (one query)."""
    if practice is None:
        return []
    from registry.incidents.figures import open_decisions

    return open_decisions(practice, timezone.now())


def vigie(request):
    """The current practice and role (set by the access door) and a capability checker."""
    practice = getattr(request, "practice", None)
    role = getattr(request, "role", None)

    class _Caps:
        def __getitem__(self, capability):
            return can(role, capability)

    return {
        "open_incidents": SimpleLazyObject(lambda: _open_incidents(practice)),
        "practice": practice,
        "role": role,
        "caps": _Caps(),
        "idle_timeout": settings.VIGIE_IDLE_TIMEOUT,
        "psc_enabled": psc_enabled(),
    }

from django.conf import settings

from portal.psc.config import enabled as psc_enabled
from practices.roles import can


def vigie(request):
    """The current practice and role (set by the access door) and a capability checker."""
    practice = getattr(request, "practice", None)
    role = getattr(request, "role", None)

    class _Caps:
        def __getitem__(self, capability):
            return can(role, capability)

    return {
        "practice": practice,
        "role": role,
        "caps": _Caps(),
        "idle_timeout": settings.VIGIE_IDLE_TIMEOUT,
        "psc_enabled": psc_enabled(),
    }

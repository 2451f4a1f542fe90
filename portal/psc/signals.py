from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from portal.psc import session
from portal.psc.config import PROVIDER_ID


@receiver(user_logged_in)
def keep_id_token(sender, request, user, **kwargs):
    """Once the login ends (second factor included), keep the ID token of the PSC sign-in
    that led to it, for the logout at PSC; any other login drops it."""
    if request is None or not hasattr(request, "session"):
        return
    pending = request.session.pop(session.PENDING_ID_TOKEN, None)
    request.session.pop(session.ID_TOKEN, None)
    if pending and user.socialaccount_set.filter(provider=PROVIDER_ID, uid=pending["uid"]).exists():
        request.session[session.ID_TOKEN] = pending["id_token"]

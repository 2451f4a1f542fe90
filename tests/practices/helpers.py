"""Shared steps of the practice-space tests."""

import re

from django.core import mail
from django.urls import reverse

from practices.models import Invitation


def url(name, cast, **kwargs):
    return reverse(f"practices:{name}", kwargs={"practice_slug": cast.practice.slug, **kwargs})


def last_link() -> str:
    """The path of the invitation link in the last e-mail sent."""
    return re.search(r"http://127\.0\.0\.1:8000(/invitations/\S+/)", mail.outbox[-1].body).group(1)


def invite(cast, on_commit, email="nouvelle@cabinet.fr", role="staff", job="secretaire"):
    """The admin invites ``email`` through the members page; returns (invitation, link)."""
    with on_commit(execute=True):
        response = cast.client("admin").post(
            url("invite", cast), {"email": email, "role": role, "job": job}
        )
    assert response.status_code == 302, response.content.decode()
    return Invitation.objects.get(email=email), last_link()

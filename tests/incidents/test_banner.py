"""While an incident's CNIL decision is open, every page of the practice says so, with the
deadline and what is left (written by the server, made live by vigie.js)."""

from datetime import datetime

import time_machine
from django.urls import reverse

from registry.incidents.models import Incident

from .test_incidents import PARIS, make

AT = datetime(2026, 12, 2, 10, 0, tzinfo=PARIS)


def pages(cast):
    slug = {"practice_slug": cast.practice.slug}
    return [
        reverse("dashboard", kwargs=slug),
        reverse("registry:index", kwargs=slug),
        reverse("checklists:index", kwargs=slug),
    ]


def test_every_page_of_the_practice_shows_the_open_decision(cast):
    with time_machine.travel(AT, tick=False):
        incident = make(cast, aware_at=datetime(2026, 12, 1, 9, 15, tzinfo=PARIS))
        for name in ("admin", "staff"):
            for path in pages(cast):
                page = cast.client(name).get(path).content.decode()
                banner = page.split('class="incident-banner')[1].split("</p>")[0]
                assert "décision de notification à la CNIL" in banner
                assert "avant le 04/12/2026 09:15" in banner
                assert "reste 1\xa0jour, 23\xa0heures" in banner
                assert 'data-countdown data-format="reste {time}"' in banner
                assert str(incident.public_id) in banner
        # Another practice sees nothing of it.
        other = reverse("dashboard", kwargs={"practice_slug": cast.other_practice.slug})
        assert "incident-banner" not in cast.client("other_admin").get(other).content.decode()


def test_the_banner_goes_once_the_decision_is_taken(cast):
    with time_machine.travel(AT, tick=False):
        incident = make(cast)
        assert "incident-banner" in cast.client("admin").get(pages(cast)[1]).content.decode()
        Incident.objects.filter(pk=incident.pk).update(cnil_required=False)
        assert "incident-banner" not in cast.client("admin").get(pages(cast)[1]).content.decode()


def test_a_late_decision_says_since_when(cast):
    with time_machine.travel(AT, tick=False):
        make(cast, aware_at=datetime(2026, 11, 25, 9, 0, tzinfo=PARIS))
        client = cast.client("admin")
        page = client.get(pages(cast)[1]).content.decode()
        assert "délai de 72 heures dépassé depuis le 28/11/2026 09:00" in page
        assert "data-countdown" not in page


def test_the_banner_costs_one_query_whatever_the_incidents(cast, django_assert_max_num_queries):
    with time_machine.travel(AT, tick=False):
        client = cast.client("admin")
        path = pages(cast)[1]
        client.get(path)
        with django_assert_max_num_queries(60) as counted:
            client.get(path)
        budget = len(counted.captured_queries)
        for _n in range(6):
            make(cast)
        with django_assert_max_num_queries(budget):
            page = client.get(path).content.decode()
        assert page.count('class="incident-banner') == 3

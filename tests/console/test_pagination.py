"""The console shows a territory a page at a time (50 practices), in the same queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.console_views import PAGE_SIZE
from tests.factories import OversightFactory


def test_a_large_territory_is_shown_fifty_practices_a_page(cast):
    for n in range(PAGE_SIZE + 9):
        OversightFactory(delegate=cast.delegate, practice__name=f"Zz cabinet {n:03d}")
    client = cast.client("delegate")
    with CaptureQueriesContext(connection) as first:
        page_one = client.get("/delegue/?tri=name")
    with CaptureQueriesContext(connection) as second:
        page_two = client.get("/delegue/?tri=name&page=2")
    assert page_one.status_code == page_two.status_code == 200
    one, two = page_one.content.decode(), page_two.content.decode()
    total = PAGE_SIZE + 10
    assert f"{total} cabinets" in one and "lignes 1 à 50" in one and "Page 1 sur 2" in one
    assert "lignes 51 à 60" in two and "Page 2 sur 2" in two
    assert "Zz cabinet 048" in one and "Zz cabinet 049" not in one
    assert "Zz cabinet 049" in two and "Zz cabinet 058" in two and "Cabinet des Lilas" in one
    assert 'href="?tri=name&amp;page=2" rel="next"' in one
    assert 'href="?tri=name&amp;page=1" rel="prev"' in two
    assert len(first) == len(second)

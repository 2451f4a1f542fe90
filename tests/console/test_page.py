"""The console page: filters, sort, CSV export, the formula, pictures, accessibility."""

import csv
import io
import re

import pytest
from django.urls import reverse

from practices.models import Region
from tests.console.conftest import build_known
from tests.factories import OversightFactory, PracticeFactory

URL = "/delegue/"


@pytest.fixture
def three(cast, frozen, stand_in_spaces):
    """Lilas (known fixture, score 6), a physio practice in PACA (score 100), a nurse
    practice with no figure (no score)."""
    build_known(cast.practice, stand_in_spaces)
    paca = Region.objects.get_or_create(code="93", defaults={"name": "Provence-Alpes-Côte d'Azur"})[
        0
    ]
    kine = PracticeFactory(name="Kiné du Port", professions=["kinesitherapeute"], region=paca)
    nurse = PracticeFactory(name="Infirmières du Parc", professions=["infirmier", "msp"])
    for practice in (kine, nurse):
        OversightFactory(practice=practice, delegate=cast.delegate)
    stand_in_spaces.TRAINING[kine.pk] = {"coverage": 1.0, "staff": 2, "valid_staff": 2}
    from tests.console.conftest import NOW, audit_at

    audit_at(kine, NOW)
    return cast, kine, nurse


def names(response) -> list[str]:
    return [row.practice.name for row in response.context["rows"]]


def test_default_order_is_the_lowest_score_first_and_no_score_last(three):
    cast, _kine, _nurse = three
    response = cast.client("delegate").get(URL)
    assert response.status_code == 200
    assert names(response) == ["Cabinet des Lilas", "Kiné du Port", "Infirmières du Parc"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tri=name", ["Cabinet des Lilas", "Infirmières du Parc", "Kiné du Port"]),
        ("tri=-name", ["Kiné du Port", "Infirmières du Parc", "Cabinet des Lilas"]),
        ("tri=-score", ["Kiné du Port", "Cabinet des Lilas", "Infirmières du Parc"]),
        ("tri=-late", ["Cabinet des Lilas", "Infirmières du Parc", "Kiné du Port"]),
        ("tri=nonsense", ["Cabinet des Lilas", "Kiné du Port", "Infirmières du Parc"]),
        ("profession=kinesitherapeute", ["Kiné du Port"]),
        ("profession=infirmier", ["Infirmières du Parc"]),
        ("region=93", ["Kiné du Port"]),
        ("region=11&tri=name", ["Cabinet des Lilas", "Infirmières du Parc"]),
        ("score=low", ["Cabinet des Lilas"]),
        ("score=high", ["Kiné du Port"]),
        ("score=none", ["Infirmières du Parc"]),
        ("score=mid", []),
        ("attention=on&tri=name", ["Cabinet des Lilas", "Infirmières du Parc"]),
        (
            "profession=not-a-profession&tri=name",
            ["Cabinet des Lilas", "Infirmières du Parc", "Kiné du Port"],
        ),
    ],
)
def test_filters_and_sort(three, query, expected):
    cast = three[0]
    assert names(cast.client("delegate").get(f"{URL}?{query}")) == expected


def test_the_page_states_the_score_formula_and_the_figures(three):
    cast = three[0]
    html = cast.client("delegate").get(URL).content.decode()
    assert "Comment le score est calculé" in html
    assert "25 points par incident" in html and "2 points par action ouverte" in html
    assert "Complétude du registre" in html and "Couverture de la formation" in html
    row = re.search(r"<tr class=\"needs-attention\">.*?Cabinet des Lilas.*?</tr>", html, re.S)
    assert row, "the Lilas row is marked as needing attention"
    text = row.group(0)
    # registry, training, checklists; a no-break space: "50" and "%" never on two lines
    assert "50\u00a0%" in text and "80\u00a0%" in text and "33\u00a0%" in text
    assert "1 sur 3 périodes" in text and "<strong>6</strong>" in text
    assert "délai de 72 h dépassé" in text
    assert "sans aucune fiche compte pour 0\u00a0%" in html or "compte pour 0 %" in html


def test_pictures_are_inline_svg_without_style_attributes(three):
    cast = three[0]
    html = cast.client("delegate").get(URL).content.decode()
    svgs = re.findall(r"<svg[^>]*>", html)
    assert len(svgs) >= 6
    assert all('aria-hidden="true"' in svg for svg in svgs)
    assert " style=" not in html
    assert "<script>" not in html.replace("<script src=", "")


def test_sortable_headers_announce_the_current_order(three):
    cast = three[0]
    html = cast.client("delegate").get(f"{URL}?tri=-name").content.decode()
    assert re.search(r'<th scope="col" aria-sort="descending"><a href="\?tri=name">Cabinet', html)
    assert html.count("aria-sort=") == 1
    assert '<th scope="row">' in html


def read_csv(response):
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_csv_export_has_the_same_rows_and_figures(three):
    cast = three[0]
    response = cast.client("delegate").get(reverse("delegate_console_csv") + "?tri=name")
    header, *rows = read_csv(response)
    assert header[0] == "Cabinet" and header[-2] == "Score"
    assert [r[0] for r in rows] == ["Cabinet des Lilas", "Infirmières du Parc", "Kiné du Port"]
    lilas = dict(zip(header, rows[0], strict=True))
    assert lilas["Complétude du registre (%)"] == "50"
    assert lilas["Revues en retard"] == "1"
    assert lilas["Couverture de la formation (%)"] == "80"
    assert lilas["Contrôles à l'heure sur 90 jours (%)"] == "33"
    assert lilas["Périodes échues sur 90 jours"] == "3"
    assert lilas["Actions ouvertes"] == "2"
    assert lilas["Incidents ouverts"] == "3"
    assert lilas["Délais de 72 h dépassés"] == "2"
    assert lilas["Dernière activité"] == "18/03/2026 09:00"  # Paris time
    assert lilas["Score"] == "6"
    nurse = dict(zip(header, rows[1], strict=True))
    assert nurse["Score"] == "" and nurse["Complétude du registre (%)"] == ""


def test_csv_export_follows_the_filters(three):
    cast = three[0]
    response = cast.client("delegate").get(reverse("delegate_console_csv") + "?region=93")
    assert [r[0] for r in read_csv(response)[1:]] == ["Kiné du Port"]


def test_csv_cells_are_never_formulas(cast, frozen):
    practice = PracticeFactory(name='=HYPERLINK("http://evil.example","x")')
    OversightFactory(practice=practice, delegate=cast.delegate)
    rows = read_csv(cast.client("delegate").get(reverse("delegate_console_csv")))
    cell = next(r[0] for r in rows if "HYPERLINK" in r[0])
    assert cell.startswith("'=")


def test_a_user_without_grants_sees_an_empty_console(cast):
    html = cast.client("outsider").get(URL).content.decode()
    assert "Aucun cabinet ne vous a encore donné accès." in html
    header, *rows = read_csv(cast.client("outsider").get(reverse("delegate_console_csv")))
    assert rows == []


def test_the_console_needs_a_login(db):
    from django.test import Client

    for url in (URL, reverse("delegate_console_csv"), reverse("delegate_suggest")):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_home_page_sends_a_delegate_to_the_console(cast):
    response = cast.client("delegate").get("/")
    assert response.status_code == 302 and response["Location"] == URL

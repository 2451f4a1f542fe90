"""The patient information notice in its outputs: a poster (A4 or A3 PDF) and the text of
the practice's website (HTML and plain text), in French or English."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation

from documents.notice import content
from portal.pdf import render as render_pdf
from portal.texts import local
from registry import cnil

FORMATS = ("a4", "a3", "web")


def _text(key: str) -> str:
    return local(content()["texts"][key])


def _person(first: str, last: str) -> str:
    return f"{first} {last}".strip()


def _activity(activity: dict) -> dict:
    bases, exceptions = content()["legal_basis"], content()["health_exception"]
    recipients = content()["recipients"]
    categories = dict(cnil.DataCategory.choices)
    return {
        "name": activity["name"],
        "purposes": activity["purposes"],
        "allowed_by": local(bases.get(activity["legal_basis"])) or None,
        "health": local(exceptions.get(activity["health_exception"])),
        "recipients": [
            " — ".join(x for x in (local(recipients.get(r["kind"])), r["details"]) if x)
            for r in activity["recipients"]
        ],
        "retention": [
            {
                "what": r["label"] or str(categories.get(r["category"], r["category"])),
                "how_long": r["retention"],
            }
            for r in activity["retention"]
        ],
    }


def context(practice, data: dict, generated_at) -> dict:
    header = data["header"] or {}
    hosts = sorted(
        {
            r["details"] or local(content()["recipients"]["processor"])
            for a in data["activities"].values()
            for r in a["recipients"]
            if r["hds_certified"]
        }
    )
    sources = [
        {"number": n, "text": local(s["text"])}
        for n, s in enumerate(
            (s for s in content()["sources"] if hosts or not s.get("only_with_host")), start=1
        )
    ]
    controller = {
        "name": _person(
            header.get("controller_first_name", ""), header.get("controller_last_name", "")
        )
        or practice.name,
        "address": " ".join(
            x
            for x in (
                header.get("controller_address"),
                header.get("controller_postcode"),
                header.get("controller_city"),
            )
            if x
        )
        or None,
        "phone": header.get("controller_phone") or None,
        "email": header.get("controller_email") or None,
    }
    dpo = None
    if header.get("dpo_designated"):
        dpo = {
            "name": _person(header.get("dpo_first_name", ""), header.get("dpo_last_name", ""))
            or header.get("dpo_company")
            or None,
            "contact": header.get("dpo_email") or header.get("dpo_phone") or None,
        }
    return {
        "practice": practice,
        "t": {key: local(value) for key, value in content()["texts"].items()},
        "controller": controller,
        "dpo": dpo,
        "activities": [_activity(a) for a in data["activities"].values()],
        "hosts": hosts,
        "own": data["own"],
        "sources": sources,
        "footnote": {
            s["key"]: n
            for n, s in enumerate(
                (s for s in content()["sources"] if hosts or not s.get("only_with_host")), start=1
            )
        },
        "generated_at": timezone.localtime(generated_at),
    }


def html(practice, data, generated_at, language: str, size: str = "a4") -> str:
    """The poster's HTML (for WeasyPrint); ``size`` is a4 or a3."""
    with translation.override(language):
        ctx = context(practice, data, generated_at) | {"size": size}
        return render_to_string("documents/notice_pdf.html", ctx)


def pdf(practice, data, generated_at, language: str, size: str = "a4") -> bytes:
    return render_pdf(html(practice, data, generated_at, language, size))


def web_html(practice, data, generated_at, language: str) -> str:
    with translation.override(language):
        return render_to_string(
            "documents/notice_body.html", context(practice, data, generated_at)
        ).strip()


def web_text(practice, data, generated_at, language: str) -> str:
    with translation.override(language):
        text = render_to_string("documents/notice.txt", context(practice, data, generated_at))
    lines = [line.rstrip() for line in text.splitlines()]
    cleaned, blank = [], False
    for line in lines:
        if not line:
            if not blank and cleaned:
                cleaned.append("")
            blank = True
            continue
        cleaned.append(line.lstrip())
        blank = False
    return "\n".join(cleaned).strip() + "\n"

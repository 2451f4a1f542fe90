"""Issue 19, item 11 (second half): a PDF reads only Vigie's own static files.

WeasyPrint's default URL fetcher follows any http(s) or file URL met while rendering. A
real HTTP server on 127.0.0.1 counts the requests a rendering makes: none may reach it.
"""

import ast
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings

from portal import pdf

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def listener():
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def test_a_rendering_fetches_nothing_from_the_network_or_the_disk(listener):
    base, hits = listener
    html = (
        f'<link rel="stylesheet" href="{base}/style.css">'
        f'<img src="{base}/pixel.png"><img src="file:///etc/hostname">'
        f'<p style="background: url({base}/bg.png)">x</p>'
    )
    assert pdf.render(html).startswith(b"%PDF")
    assert hits == []


def test_the_fetcher_reads_a_static_file_and_refuses_the_rest(listener):
    base, hits = listener
    fetcher = pdf.fetcher()
    css = fetcher.fetch(pdf.BASE_URL + settings.STATIC_URL.lstrip("/") + "vigie/vigie.css")
    assert css.read() == (ROOT / "portal/static/vigie/vigie.css").read_bytes()
    assert fetcher.fetch("data:text/plain,ok").read() == b"ok"
    for url in (
        f"{base}/x.css",
        "file:///etc/passwd",
        pdf.BASE_URL + "static/../../../../etc/passwd",
        pdf.BASE_URL + "static/%2e%2e/%2e%2e/settings.py",
        pdf.BASE_URL + "media/attestations/x.pdf",
        "http://vigie.invalid/static/vigie/vigie.css",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert hits == []


def test_weasyprint_is_used_only_through_portal_pdf():
    users = []
    paths = [
        p
        for app in ("portal", "practices", "registry", "training", "documents")
        for p in (ROOT / app).rglob("*.py")
    ]
    for path in paths:
        if path == ROOT / "portal/pdf.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            if any(name.split(".")[0] == "weasyprint" for name in names):
                users.append(str(path.relative_to(ROOT)))
    assert users == []

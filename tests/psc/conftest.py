"""A real OpenID Connect provider (npm `oidc-provider`, tests/psc/provider/server.js) set up
like Pro Santé Connect, on a free 127.0.0.1 port for the session, stopped after.

Needs Node.js and `npm ci` in tests/psc/provider (done by .ci/run); without them the tests
skip locally and fail under VIGIE_REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from django.urls import reverse

from portal.psc.config import providers
from tests.conftest import need_service

PROVIDER_DIR = Path(__file__).resolve().parent / "provider"
CLIENT_ID = "vigie"
CLIENT_SECRET = "vigie-test-secret"
# The test identities of server.js (SubjectNameID → names, codeProfession).
DOCTOR = "810100000001"  # Jeanne Martin, médecin (10)
NURSE = "810100000002"  # Paul Durand, infirmier (60)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ProviderServer:
    url: str
    process: subprocess.Popen

    @property
    def discovery_url(self) -> str:
        return f"{self.url}/.well-known/wallet-openid-configuration"

    def next(self, account: str = DOCTOR, acr: str = "eidas1", tamper: bool = False) -> None:
        """Who signs in next at the provider, at which level, and a broken userinfo JWT."""
        params = {"account": account, "acr": acr, "tamper": "1" if tamper else "0"}
        requests.get(f"{self.url}/__test__/next", params=params, timeout=5).raise_for_status()


@pytest.fixture(scope="session")
def psc_server():
    node = shutil.which("node")
    if node is None:
        need_service("Node.js", "node not found: it runs the test OpenID provider (Node 20+)")
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        need_service("npm package oidc-provider", "run `npm ci` in tests/psc/provider")
    port = _free_port()
    env = {**os.environ, "PORT": str(port), "CLIENT_ID": CLIENT_ID, "CLIENT_SECRET": CLIENT_SECRET}
    process = subprocess.Popen(
        [node, "server.js"],
        cwd=PROVIDER_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    ready = threading.Event()
    output: list[str] = []

    def read():
        for line in process.stdout:
            output.append(line)
            if line.startswith("listening"):
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(30):
        process.kill()
        pytest.fail("the test OpenID provider did not start:\n" + "".join(output))
    server = ProviderServer(url=f"http://127.0.0.1:{port}", process=process)
    yield server
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def psc(psc_server, settings):
    """Vigie configured against the running provider (signed userinfo), defaults restored."""
    settings.SOCIALACCOUNT_PROVIDERS = providers(CLIENT_ID, CLIENT_SECRET, psc_server.discovery_url)
    psc_server.next()
    yield psc_server
    psc_server.next()


@pytest.fixture
def psc_json(psc, settings):
    """The provider's second client, whose userinfo answer is plain JSON."""
    settings.SOCIALACCOUNT_PROVIDERS = providers(
        f"{CLIENT_ID}-json", CLIENT_SECRET, psc.discovery_url
    )
    return psc


def through_provider(url: str, until: str = "http://testserver/") -> str:
    """Follow the provider's redirects (its scripted e-CPS step included) until one leaves
    for Vigie; returns that address."""
    session = requests.Session()
    for _ in range(10):
        response = session.get(url, allow_redirects=False, timeout=10)
        assert response.status_code in (302, 303), (response.status_code, response.text[:500])
        url = urljoin(url, response.headers["Location"])
        if url.startswith(until):
            return url
    raise AssertionError("the provider never sent the browser back")


def start(client, process="login", next_url=None):
    data = {"process": process}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("psc_login"), data)


def sign_in(client, process="login", next_url=None):
    """The whole round trip with the Django test client; returns Vigie's callback answer."""
    response = start(client, process, next_url)
    assert response.status_code == 200, response.status_code
    back = through_provider(response.context["url"])
    return client.get(back.removeprefix("http://testserver"))

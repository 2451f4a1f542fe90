"""Latency of pages as a signed-in person gets them, over real HTTP, one request at a time."""

from __future__ import annotations

import hashlib
import hmac
import http.cookiejar
import re
import statistics
import struct
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field


def totp(secret: bytes, at: float | None = None) -> str:
    """RFC 6238 (SHA-1, 6 digits, 30 s): what the person's authenticator app shows."""
    counter = int((time.time() if at is None else at) // 30)
    mac = hmac.new(secret, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    code = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(code % 1_000_000).zfill(6)


def percentile(samples: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    rank = max(1, round(p / 100 * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


class Browser:
    """Cookies, CSRF tokens and redirects, like the person's browser."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str):
        request = urllib.request.Request(self.base_url + path)  # noqa: S310
        try:
            response = self.opener.open(request, timeout=120)
        except urllib.error.HTTPError as error:
            response = error
        body = response.read()
        return response, body

    def post_form(self, path: str, fields: dict) -> tuple:
        _response, page = self.get(path)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token.group(1)}).encode()
        request = urllib.request.Request(self.base_url + path, data=data)  # noqa: S310
        request.add_header("Referer", self.base_url + path)
        response = self.opener.open(request, timeout=120)
        return response, response.read()

    def log_in(self, email: str, password: str, secret: bytes) -> None:
        """Password, then a code from the authenticator, as at every Vigie login."""
        response, _ = self.post_form("/accounts/login/", {"login": email, "password": password})
        if "/2fa/verification/" not in response.url:
            raise RuntimeError(f"{email}: no second-factor step after the password")
        response, _ = self.post_form("/accounts/2fa/verification/", {"code": totp(secret)})
        if "/accounts/" in urllib.parse.urlparse(response.url).path:
            raise RuntimeError(f"{email}: not signed in (ended on {response.url})")


@dataclass
class PageResult:
    role: str
    name: str
    path: str
    status: int = 0
    samples_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    error: str = ""

    def summary(self) -> dict:
        row = {"role": self.role, "page": self.name, "path": self.path, "status": self.status}
        if self.samples_ms:
            row.update(
                requests=len(self.samples_ms),
                p50_ms=round(percentile(self.samples_ms, 50), 1),
                p95_ms=round(percentile(self.samples_ms, 95), 1),
                mean_ms=round(statistics.fmean(self.samples_ms), 1),
                queries=max(self.queries) if self.queries else None,
                queries_constant=len(set(self.queries)) <= 1,
            )
        if self.error:
            row["error"] = self.error
        return row


def measure(browser: Browser, role: str, name: str, path: str, *, requests: int, warmup: int = 3):
    result = PageResult(role=role, name=name, path=path)
    for n in range(warmup + requests):
        started = time.perf_counter()
        response, _body = browser.get(path)
        elapsed = (time.perf_counter() - started) * 1000
        result.status = response.status
        if response.status != 200:
            result.error = f"HTTP {response.status}"
            break
        if n >= warmup:
            result.samples_ms.append(elapsed)
            result.queries.append(int(response.headers.get("X-Bench-Queries", "-1")))
    return result

"""Issue 19, item 7: rate limits that hold behind a proxy, across workers, without letting a
stranger lock a person out.

* the counts live in the shared cache (Redis whenever ``REDIS_URL`` is set; the in-process
  cache only in embedded mode), so three workers are one limit, not three;
* ``VIGIE_TRUSTED_PROXIES`` (how many proxies of ours stand in front) says which address
  of ``X-Forwarded-For`` is the client's: behind the proxy everyone had its address;
* failed passwords are counted per (account, address): a stranger's guesses lock the
  stranger out, not the person.
"""

import uuid

import pytest
from django.core.cache import cache
from django.urls import reverse

from portal.audit import client_ip
from tests.factories import PASSWORD
from tests.mfa.test_login_flow import enrolled_user
from tests.test_settings import settings_of

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
STRANGER = "203.0.113.5"
PERSON = "198.51.100.7"


@pytest.fixture
def limits(settings):
    cache.clear()
    yield settings
    cache.clear()


def attempt(client, user, password, address, proxies=True):
    extra = (
        {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": address}
        if proxies
        else {"REMOTE_ADDR": address}
    )
    return client.post(
        reverse("account_login"), {"login": user.email, "password": password}, **extra
    )


def test_behind_the_proxy_the_limit_is_per_client_address(client, limits):
    limits.VIGIE_TRUSTED_PROXIES = 1
    limits.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip"}
    user, _secret = enrolled_user()
    other, _ = enrolled_user()
    for _ in range(3):
        attempt(client, other, "mauvais-mot-de-passe", STRANGER)
    assert "Trop de tentatives" in attempt(client, other, PASSWORD, STRANGER).content.decode()
    # Someone else behind the same proxy is not blocked by the stranger's guesses.
    response = attempt(client, user, PASSWORD, PERSON)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")


def test_a_stranger_cannot_lock_a_person_out(client, limits):
    limits.VIGIE_TRUSTED_PROXIES = 1
    limits.ACCOUNT_RATE_LIMITS = {"login_failed": "5/5m/key"}
    user, _secret = enrolled_user()
    for _ in range(5):
        attempt(client, user, "mauvais-mot-de-passe", STRANGER)
    assert "Trop de tentatives" in attempt(client, user, PASSWORD, STRANGER).content.decode()
    response = attempt(client, user, PASSWORD, PERSON)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(client, limits):
    limits.VIGIE_TRUSTED_PROXIES = 0
    limits.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip"}
    user, _secret = enrolled_user()
    for n in range(3):  # a forged header per attempt does not escape the limit
        attempt(client, user, "mauvais-mot-de-passe", f"192.0.2.{n}")
    assert "Trop de tentatives" in attempt(client, user, PASSWORD, PERSON).content.decode()


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.5", "10.0.0.2"),
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "1.2.3.4, 203.0.113.5", "203.0.113.5"),  # the client forged the first entry
        (2, "1.2.3.4, 203.0.113.5, 10.0.0.9", "203.0.113.5"),
        (1, "", "10.0.0.2"),
    ],
)
def test_the_audit_trail_records_the_same_client_address(
    rf, settings, proxies, forwarded, expected
):
    settings.VIGIE_TRUSTED_PROXIES = proxies
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_failures_are_counted_in_redis_shared_by_every_worker(client, settings, redis_url):
    import redis

    # The cache Vigie's settings choose when REDIS_URL is set, as in production, under a
    # key prefix of its own: never flushed, the Redis database may be shared.
    shared = settings_of({"VIGIE_ENV": "development", "REDIS_URL": redis_url}, ["CACHES"])
    prefix = f"vigie-test-{uuid.uuid4().hex}"
    settings.CACHES = {"default": {**shared["CACHES"]["default"], "KEY_PREFIX": prefix}}
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip"}
    raw = redis.Redis.from_url(redis_url)
    try:
        user, _secret = enrolled_user()
        for _ in range(3):
            attempt(client, user, "mauvais-mot-de-passe", PERSON, proxies=False)
        # Counted in Redis, where every other worker reads the same count.
        assert any(b"login_failed" in key for key in raw.keys(f"{prefix}:*"))
        blocked = attempt(client, user, PASSWORD, PERSON, proxies=False)
        assert "Trop de tentatives" in blocked.content.decode()
    finally:
        keys = raw.keys(f"{prefix}:*")
        if keys:
            raw.delete(*keys)


def test_production_with_redis_uses_the_shared_cache_and_embedded_mode_memory():
    shared = settings_of(
        {"VIGIE_ENV": "development", "REDIS_URL": "redis://127.0.0.1:6379/3"}, ["CACHES"]
    )
    assert shared["CACHES"]["default"]["BACKEND"].endswith("RedisCache")
    embedded = settings_of({"VIGIE_ENV": "development"}, ["CACHES", "VIGIE_TRUSTED_PROXIES"])
    assert embedded["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert embedded["VIGIE_TRUSTED_PROXIES"] == 0
    behind = settings_of(
        {"VIGIE_ENV": "development", "VIGIE_TRUSTED_PROXIES": "1"}, ["VIGIE_TRUSTED_PROXIES"]
    )
    assert behind["VIGIE_TRUSTED_PROXIES"] == 1

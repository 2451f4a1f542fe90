"""Vigie settings, read from the environment.

With no environment at all, Vigie runs embedded: SQLite in the checkout, Celery tasks
executed eagerly, mail printed to the console. ``DATABASE_URL``, ``REDIS_URL`` and
``EMAIL_URL`` switch each part to its production shape. ``.env.example`` lists every
variable read here.
"""

import secrets
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from portal.psc.config import providers as psc_providers

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# Production is the default: development conveniences must be asked for.
VIGIE_ENV = env.str("VIGIE_ENV", default="production")
if VIGIE_ENV not in {"production", "development", "test"}:
    raise ImproperlyConfigured(
        f"VIGIE_ENV must be production, development or test, not {VIGIE_ENV!r}."
    )
IS_PRODUCTION = VIGIE_ENV == "production"


def _development_secret_key() -> str:
    """One key per checkout, kept in a git-ignored file, so sessions survive restarts."""
    path = BASE_DIR / ".secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if IS_PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY is required in production (set VIGIE_ENV=development to run locally)."
        )
    SECRET_KEY = _development_secret_key()

# Key(s) that encrypt TOTP secrets at rest: the first encrypts, all decrypt (rotation).
OTP_ENCRYPTION_KEYS = env.list("OTP_ENCRYPTION_KEYS", default=[])
if not OTP_ENCRYPTION_KEYS:
    if IS_PRODUCTION:
        raise ImproperlyConfigured("OTP_ENCRYPTION_KEYS is required in production.")
    OTP_ENCRYPTION_KEYS = ["derive:" + SECRET_KEY]

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if IS_PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "portal",
    "portal.notifications",
    "practices",
    "practices.checklists",
    "registry",
    "registry.incidents",
    "registry.processors",
    "registry.rights",
    "training",
    "documents",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "portal.psc",
    "django_otp",
    "django_otp.plugins.otp_static",
    "django_htmx",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.FrenchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.languages.AccountLanguage",
    "django_otp.middleware.OTPMiddleware",
    "portal.mfa.middleware.RequireVerifiedSecondFactor",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.middleware.IdleTimeout",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "portal.middleware.SecurityHeaders",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
AUTH_USER_MODEL = "portal.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.vigie",
            ],
        },
    },
]

# Database: SQLite in the checkout unless DATABASE_URL says otherwise.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
# Production runs behind PgBouncer in transaction pooling (docs/deploy.md): each transaction
# may run on another server connection, so nothing may live in the session. No server-side
# cursors (a named cursor outlives its transaction), no prepared statements, and a kept
# connection to PgBouncer checked before reuse (PgBouncer may have closed it).
# Advisory locks only pg_advisory_xact_lock inside transaction.atomic, SET only as SET LOCAL
# (tests/test_pgbouncer.py searches the code).
DATABASE_POOLER = env.str("DATABASE_POOLER", default="")
if DATABASE_POOLER not in {"", "pgbouncer"}:
    raise ImproperlyConfigured(
        f"DATABASE_POOLER must be pgbouncer or empty, not {DATABASE_POOLER!r}."
    )
if DATABASE_POOLER:
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_POOLER=pgbouncer needs a postgres:// DATABASE_URL.")
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Every request is a transaction that writes (the session's last-seen time), and a page
    # and its htmx fragments arrive together: a deferred SQLite transaction that must
    # upgrade its lock fails at once with "database is locked". Taking the write lock at
    # BEGIN makes concurrent requests wait their turn instead.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Celery: without REDIS_URL, tasks run eagerly in-process (embedded mode).
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
# Results are kept only for tasks that ask (ignore_result=False), in Redis, for an hour.
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = "Europe/Paris"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# Features add their sweeps here; every entry expires so a stale run is dropped.
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {
        "task": "portal.tasks.heartbeat",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 600},
    },
    # Reminders (portal/notifications): the sweep writes what is due once and queues it;
    # digests gather the waiting non-urgent rows of people who chose them.
    "reminders-sweep": {
        "task": "portal.notifications.tasks.sweep",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 600},
    },
    "reminders-daily-digest": {
        "task": "portal.notifications.tasks.send_digests",
        "schedule": crontab(hour=7, minute=30),
        "args": ("daily",),
        "options": {"expires": 3600},
    },
    # The audit trail's hash chains (portal/audit_chain.py): walked every night, results on
    # the audit pages, heads appended to the anchor log, the operator mailed on a break.
    "audit-verify": {
        "task": "portal.tasks.verify_audit_chains",
        "schedule": crontab(hour=3, minute=10),
        "options": {"expires": 6 * 3600},
    },
    "reminders-weekly-digest": {
        "task": "portal.notifications.tasks.send_digests",
        "schedule": crontab(hour=7, minute=30, day_of_week="mon"),
        "args": ("weekly",),
        "options": {"expires": 3600},
    },
}

# Mail (Django 6.1 MAILERS). EMAIL_URL: smtp://user:pass@host:port, smtp+tls://…,
# consolemail://, dummymail://. Default: the console.
EMAIL_URL = env.str("EMAIL_URL", default="consolemail://")


def _mailer_from_url(url: str) -> dict:
    parsed = environ.Env.email_url_config(url)
    backend = parsed.pop("EMAIL_BACKEND")
    options = {
        "host": parsed.get("EMAIL_HOST"),
        "port": parsed.get("EMAIL_PORT"),
        "username": parsed.get("EMAIL_HOST_USER") or None,
        "password": parsed.get("EMAIL_HOST_PASSWORD") or None,
        "use_tls": bool(parsed.get("EMAIL_USE_TLS")),
        "use_ssl": bool(parsed.get("EMAIL_USE_SSL")),
        "timeout": env.int("EMAIL_TIMEOUT", default=30),
    }
    if not backend.endswith("smtp.EmailBackend"):
        options = {}
    return {"BACKEND": backend, "OPTIONS": {k: v for k, v in options.items() if v is not None}}


MAILERS = {"default": _mailer_from_url(EMAIL_URL)}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Vigie <ne-pas-repondre@vigie.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The operator: told by mail when the nightly audit check finds a broken chain.
# "Name <address>" or plain addresses, comma-separated.
ADMINS = env.list("ADMINS", default=[])

# Passwords: 12 characters at least, no common or similar ones.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# django-allauth: e-mail only, mandatory verification, TOTP stage from portal.mfa.
ACCOUNT_ADAPTER = "portal.mfa.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "portal.mfa.forms.SignupNamesForm"  # first and last name
# Two sign-ups with one address at the same moment: the second gets the usual answer.
ACCOUNT_FORMS = {"signup": "portal.mfa.signup.SignupForm"}
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# Password or e-mail changes ask for the password again (older than 5 minutes).
ACCOUNT_REAUTHENTICATION_REQUIRED = True
# Sessions end with the browser (seed: lock your PC); no "remember me".
ACCOUNT_SESSION_REMEMBER = False
# "key" of login_failed is the account *and* the address (portal.mfa.adapter): a stranger's
# wrong passwords lock the stranger out, never the person.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Vigie] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if IS_PRODUCTION else "http"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

# Pro Santé Connect (portal/psc): shown only when the three variables are set.
PSC_CLIENT_ID = env.str("PSC_CLIENT_ID", default="")
PSC_CLIENT_SECRET = env.str("PSC_CLIENT_SECRET", default="")
PSC_DISCOVERY_URL = env.str("PSC_DISCOVERY_URL", default="")
SOCIALACCOUNT_ADAPTER = "portal.psc.adapter.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = psc_providers(PSC_CLIENT_ID, PSC_CLIENT_SECRET, PSC_DISCOVERY_URL)
# No sign-up through PSC (it never creates an account on its own, see portal/psc/adapter.py),
# no e-mail taken from it, tokens not kept: the portal session is Vigie's.
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_QUERY_EMAIL = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10

# django-otp
OTP_TOTP_ISSUER = "Vigie"
OTP_STATIC_THROTTLE_FACTOR = 1

# Idle sessions end (seed: lock your PC). Seconds.
VIGIE_IDLE_TIMEOUT = env.int("VIGIE_IDLE_TIMEOUT", default=30 * 60)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = IS_PRODUCTION
CSRF_COOKIE_SECURE = IS_PRODUCTION
LANGUAGE_COOKIE_SECURE = IS_PRODUCTION
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Security headers. HSTS and the HTTPS redirect only in production.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if IS_PRODUCTION else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=IS_PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 31536000 if IS_PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = IS_PRODUCTION
SECURE_HSTS_PRELOAD = False
# Joining the browsers' HSTS preload list commits every subdomain for years: an operator's
# decision, not a default.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# Languages: French first, English available. Dates in Europe/Paris.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates day first (portal/formats/en/formats.py), as on the French pages.
FORMAT_MODULE_PATH = ["portal.formats"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# The cache holds the rate limits (login, sign-up, password reset): shared by every web
# worker in Redis whenever REDIS_URL is set; the in-process memory only in embedded mode.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL and env.bool("CACHE_IN_REDIS", default=True)
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# How many proxies of ours stand in front of the web workers (0: none, REMOTE_ADDR is the
# client). With n, the client is the n-th address from the right of X-Forwarded-For (each
# proxy appends the address it received from); the entries left of it are the client's own
# and cannot be trusted. Used by the rate limits and the audit trail.
VIGIE_TRUSTED_PROXIES = env.int("VIGIE_TRUSTED_PROXIES", default=0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Vigie policy defaults (a practice may override the ones stored on its row).
VIGIE_INVITATION_DAYS = 7
VIGIE_REGISTRY_REVIEW_MONTHS = 12
VIGIE_TRAINING_VALIDITY_MONTHS = 12
# Append-only file where each nightly audit check writes every chain's head (seq and hash):
# deleting the newest events, even with the head row rewritten, no longer matches it.
VIGIE_AUDIT_ANCHOR_LOG = env.path(
    "VIGIE_AUDIT_ANCHOR_LOG", default=str(BASE_DIR / "var" / "audit-anchors.log")
)

"""Settings for OpenPRM, read from the environment.

Every value an operator may change comes from an environment variable; the defaults
give the embedded, zero set-up configuration (SQLite, database-backed task queue,
local-memory cache, files under ``var/``). See docs/operations.md for the full list.
"""

import os
import re
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), not {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


PACKAGE_DIR = Path(__file__).resolve().parent
# Local state (SQLite database, generated secret key, uploads, collected static).
VAR_DIR = Path(os.environ.get("OPENPRM_VAR_DIR", Path.cwd() / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """The key from SECRET_KEY, or one generated once into var/ and reused."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        # O_EXCL: two processes starting together cannot both write a key.
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "openprm.core",
    "openprm.accounts",
    "openprm.partners",
    "openprm.tenancy",
    "openprm.portal",
    "openprm.integrations",
    "openprm.programs",
    "openprm.segments",
    "openprm.scoring",
    "openprm.currencies",
    "openprm.deals",
    "openprm.leads",
    "openprm.approvals",
    "openprm.onboarding",
    "openprm.journeys",
    "openprm.agreements",
    "openprm.notifications",
    "openprm.campaigns",
    "openprm.content",
    "openprm.certifications",
    "openprm.funds",
    "openprm.learning",
    "openprm.incentives",
    "openprm.accruals",
    "openprm.metrics",
    "openprm.reports",
    "openprm.console",
    "openprm.demo",
    "openprm.core.admin_site.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_countries",  # translated country names (core.iso)
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "ninja",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django_tasks_rq",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Errors under /api/ that Django answers itself become problem documents.
    "openprm.core.api.ProblemMiddleware",
    "openprm.core.context.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "openprm.accounts.mfa.VendorMFAMiddleware",
]

ROOT_URLCONF = "openprm.urls"
WSGI_APPLICATION = "openprm.wsgi.application"

# Plain inputs and selects written in Python, the rest by templates
# (core/form_renderer.py).
FORM_RENDERER = "openprm.core.form_renderer.FormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "openprm.core.context_processors.shell",
            ],
        },
    },
]

# --- Database
DATABASE_URL = (
    os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'openprm.sqlite3'}"
)
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        # Persistent connections: a new PostgreSQL connection per request ran at
        # 0.18x the throughput of a kept one on this kind of machine.
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; IMMEDIATE transactions take the
    # write lock up front, so the web server and the worker queue for it (up to the
    # busy timeout) instead of failing with "database is locked" mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=20000;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation cost ~27 ms on short OLTP queries whose estimated cost crossed
    # jit_above_cost (measured by the benchmark suite); it pays off only for reports.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions
# What the cache holds must be seen by every process that serves: the counts of the
# login rate limits (allauth), the TOTP codes already used (allauth.mfa), the public
# application form's rate limit (onboarding/spam.py). A per-process memory cache
# would let each web process count on its own (N processes, N times the limit), so
# the default is the database cache, in a table `openprm migrate` creates
# (core/apps.py), and Redis when REDIS_URL is set. Per-process memos on purpose --
# compiled SQL (core/db.py CachedList), the fixed parts of pages ({% once %}),
# lru_caches -- are plain Python objects, not this cache: they hold nothing that
# depends on the data, so they stay local.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "openprm_cache",
            # Past MAX_ENTRIES Django culls a third of the entries, live or not:
            # room enough that flooding it with addresses cannot wipe a limit.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
# Django's database sessions, read with SQL compiled once (accounts/sessions.py).
SESSION_ENGINE = "openprm.accounts.sessions"

# --- Background jobs
# "database" (default) keeps the queue in the main database; "redis" uses RQ on
# REDIS_URL; "immediate" runs tasks inline (tests). The code enqueues the same way.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database")
if TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}
elif TASKS_BACKEND == "redis":
    if not REDIS_URL:
        raise ImproperlyConfigured("TASKS_BACKEND=redis needs REDIS_URL")
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    INSTALLED_APPS.append("django_rq")  # provides the rqworker command
elif TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be database, redis or immediate, not {TASKS_BACKEND!r}"
    )
# How often the worker looks for due periodic sweeps, in seconds.
OPENPRM_SWEEP_POLL_SECONDS = float(os.environ.get("OPENPRM_SWEEP_POLL_SECONDS", "5"))
# With a real queue the worker's outbox relay hands new events to their subscribers
# (polling every OPENPRM_OUTBOX_POLL_SECONDS); with the immediate backend each event
# is delivered by a task that runs as it commits (docs/events.md).
OPENPRM_OUTBOX_RELAY = TASKS_BACKEND != "immediate"
OPENPRM_OUTBOX_POLL_SECONDS = float(
    os.environ.get("OPENPRM_OUTBOX_POLL_SECONDS", "0.1")
)
# Webhook requests one worker has in flight at once, in all and per endpoint (a slow
# endpoint holds at most the latter, so the others keep being served).
OPENPRM_WEBHOOK_CONCURRENCY = int(os.environ.get("OPENPRM_WEBHOOK_CONCURRENCY", "16"))
OPENPRM_WEBHOOK_CONCURRENCY_PER_ENDPOINT = int(
    os.environ.get("OPENPRM_WEBHOOK_CONCURRENCY_PER_ENDPOINT", "4")
)
# Seconds a worker of the database queue stays presumed alive without renewing its
# lease (it renews every quarter of this); a task running under a worker silent for
# longer goes back to the queue (core/task_recovery.py). Longer than any pause of
# the worker (a database lock, a busy machine), shorter than people will wait.
OPENPRM_WORKER_LEASE_SECONDS = float(os.environ.get("WORKER_LEASE_SECONDS", "60"))
# The key that encrypts CRM connection credentials (a Fernet key); empty: one derived
# from SECRET_KEY (integrations/crm/credentials.py).
OPENPRM_CREDENTIALS_KEY = os.environ.get("OPENPRM_CREDENTIALS_KEY", "")
# A CRM sync run silent for this long (no page finished) is taken over and resumed
# from its cursor by the next sweep: its worker is presumed dead.
OPENPRM_SYNC_RUN_STALE_SECONDS = float(
    os.environ.get("OPENPRM_SYNC_RUN_STALE_SECONDS", "120")
)

# --- Authentication
AUTH_USER_MODEL = "accounts.User"
# Django's and allauth's backends, the signed-in user read with SQL compiled once
# (accounts/sessions.py). Sessions signed in through the previous paths sign in again.
AUTHENTICATION_BACKENDS = [
    "openprm.accounts.sessions.ModelBackend",
    "openprm.accounts.sessions.AuthenticationBackend",
]
_VALIDATORS = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATORS}.UserAttributeSimilarityValidator"},
    {"NAME": f"{_VALIDATORS}.MinimumLengthValidator"},
    {"NAME": f"{_VALIDATORS}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATORS}.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_ADAPTER = "openprm.accounts.adapters.AccountAdapter"
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_GET = False
# Failed sign-ins per client address and per account (allauth's rate limits).
ACCOUNT_RATE_LIMITS = {
    "login_failed": os.environ.get("LOGIN_RATE_LIMIT", "10/m/ip,5/5m/key"),
}
# Email verification (allauth): "optional" by default, so accounts created by the
# vendor (and the demo logins) sign in without a confirmed address; invited people
# are verified by the invitation itself. "mandatory" makes every account without a
# verified address confirm it at its next sign-in. See docs/permissions.md.
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("EMAIL_VERIFICATION", "optional")
if ACCOUNT_EMAIL_VERIFICATION not in {"none", "optional", "mandatory"}:
    raise ImproperlyConfigured(
        "EMAIL_VERIFICATION must be none, optional or mandatory, "
        f"not {ACCOUNT_EMAIL_VERIFICATION!r}"
    )
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[OpenPRM] "

# --- Multi-factor authentication (allauth.mfa): TOTP with recovery codes
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "OpenPRM"
MFA_ADAPTER = "openprm.accounts.adapters.MFAAdapter"
# When true, vendor staff without a TOTP authenticator are sent to set one up before
# anything else, and cannot remove it (openprm.accounts.mfa).
OPENPRM_VENDOR_MFA_REQUIRED = env_bool("VENDOR_MFA_REQUIRED", False)

# --- Partner imports (docs/partners.md): the largest file and the most rows one
# import takes; the file is read as a stream, so memory does not grow with either.
OPENPRM_IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(100 * 2**20)))
OPENPRM_IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "1000000"))

# --- Invitations: how long an emailed invitation link stays valid.
OPENPRM_INVITATION_EXPIRY_DAYS = int(os.environ.get("INVITATION_EXPIRY_DAYS", "7"))

# --- Notifications and campaigns (docs/notifications.md, docs/campaigns.md)
# The site's public address, put before relative links in notification emails
# (e.g. https://prm.example.com); campaigns take theirs from the scheduling request.
OPENPRM_SITE_URL = os.environ.get("SITE_URL", "")
# Campaign emails sent per minute at most (all campaigns and workers together), and
# how many go over one SMTP connection.
OPENPRM_CAMPAIGN_RATE_PER_MINUTE = int(os.environ.get("CAMPAIGN_RATE_PER_MINUTE", "60"))
OPENPRM_CAMPAIGN_BATCH_SIZE = int(os.environ.get("CAMPAIGN_BATCH_SIZE", "20"))

# SLAs counted in business days skip weekends and the public holidays of this country
# (ISO 3166 code known to the `holidays` package; empty: weekends only).
# Until the learning app tracks certifications, the tier requirement "Certified
# people" is read from this numeric profile custom field of the partner.
OPENPRM_CERTIFIED_PEOPLE_FIELD = os.environ.get(
    "CERTIFIED_PEOPLE_FIELD", "certified_engineers"
)
OPENPRM_HOLIDAY_COUNTRY = os.environ.get("HOLIDAY_COUNTRY", "")

# --- The approval engine (docs/approvals.md)
# The approval engine (approvals): a step's SLA when its chain names none, and
# how many hours before a step's SLA its approvers are reminded.
OPENPRM_APPROVAL_SLA_DAYS = int(os.environ.get("APPROVAL_SLA_DAYS", "2"))
OPENPRM_APPROVAL_REMINDER_HOURS = int(os.environ.get("APPROVAL_REMINDER_HOURS", "24"))

# --- Onboarding applications (docs/onboarding.md)
# The public form accepts at most RATE_LIMIT submissions per client address in each
# RATE_WINDOW seconds (counted in the cache).
OPENPRM_APPLICATION_RATE_LIMIT = int(os.environ.get("APPLICATION_RATE_LIMIT", "5"))
OPENPRM_APPLICATION_RATE_WINDOW = int(os.environ.get("APPLICATION_RATE_WINDOW", "3600"))
# SLA of the review step of a programme without an approval chain (business days).
OPENPRM_APPLICATION_SLA_DAYS = int(os.environ.get("APPLICATION_SLA_DAYS", "2"))
# A recommended demotion takes effect no earlier than this many days after the
# evaluation (metrics.tiers), so a partner has time to recover.
OPENPRM_TIER_GRACE_DAYS = int(os.environ.get("TIER_GRACE_DAYS", "30"))
# Approvers are reminded this many hours before a step's SLA ends.
OPENPRM_APPLICATION_REMINDER_HOURS = int(
    os.environ.get("APPLICATION_REMINDER_HOURS", "24")
)
# The queue (by name) an application escalates to once its step's own escalation
# target has missed the SLA too; empty: no further level.
OPENPRM_APPLICATION_ESCALATION_QUEUE = os.environ.get(
    "APPLICATION_ESCALATION_QUEUE", ""
)
# How long the applicant's "answer our question" link stays valid.
OPENPRM_APPLICATION_INFO_LINK_DAYS = int(
    os.environ.get("APPLICATION_INFO_LINK_DAYS", "30")
)

# --- Announcements (docs/content.md): days after an announcement that requires
# acknowledgement goes out before, and between, reminders to those who have not.
OPENPRM_ANNOUNCEMENT_REMINDER_DAYS = int(
    os.environ.get("ANNOUNCEMENT_REMINDER_DAYS", "3")
)

# --- Agreements and onboarding journeys (docs/agreements.md, docs/journeys.md).
# Days partners have to accept a new version when no deadline is given, and how many
# days before the deadline the reminder goes out.
OPENPRM_AGREEMENT_ACCEPT_DAYS = int(os.environ.get("AGREEMENT_ACCEPT_DAYS", "30"))
OPENPRM_AGREEMENT_REMINDER_DAYS = int(os.environ.get("AGREEMENT_REMINDER_DAYS", "7"))
# Documents partners upload for a journey task: largest size and accepted types.
OPENPRM_JOURNEY_UPLOAD_MAX_BYTES = int(
    os.environ.get("JOURNEY_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024))
)
OPENPRM_JOURNEY_UPLOAD_TYPES = {
    ".pdf": b"%PDF",
    ".png": b"\x89PNG",
    ".jpg": b"\xff\xd8",
}

# --- Content (docs/content.md): the largest file the asset library takes.
OPENPRM_CONTENT_UPLOAD_MAX_BYTES = int(
    os.environ.get("CONTENT_UPLOAD_MAX_BYTES", str(50 * 1024 * 1024))
)

# --- Money: the vendor's reporting currency (ISO 4217). Pipeline and forecast figures
# are converted into it through the exchange rates admins maintain (docs/pipeline.md).
OPENPRM_REPORTING_CURRENCY = os.environ.get("REPORTING_CURRENCY", "EUR").upper()
if not re.fullmatch(r"[A-Z]{3}", OPENPRM_REPORTING_CURRENCY):
    raise ImproperlyConfigured(
        "REPORTING_CURRENCY must be an ISO 4217 code such as EUR, "
        f"not {OPENPRM_REPORTING_CURRENCY!r}"
    )

# --- Leads: hours a partner has to accept or reject an offered lead before the sweep
# recalls it and routes it on, and the open leads a partner holds at most when no
# capacity is set for it.
OPENPRM_LEAD_ACCEPTANCE_SLA_HOURS = int(
    os.environ.get("LEAD_ACCEPTANCE_SLA_HOURS", "48")
)
OPENPRM_LEAD_DEFAULT_CAPACITY = int(os.environ.get("LEAD_DEFAULT_CAPACITY", "25"))

# --- Deal registration (docs/deals.md): business days a reviewer has to decide (then
# the sweep reminds them), business days after that before it escalates to the vendor
# admins, protection days when the partner's tier grants none, the longest extension
# a partner may ask for, and the largest attachment.
OPENPRM_DEAL_APPROVAL_SLA_DAYS = int(os.environ.get("DEAL_APPROVAL_SLA_DAYS", "2"))
OPENPRM_DEAL_ESCALATION_DAYS = int(os.environ.get("DEAL_ESCALATION_DAYS", "1"))
OPENPRM_DEAL_PROTECTION_DAYS = int(os.environ.get("DEAL_PROTECTION_DAYS", "90"))
OPENPRM_DEAL_MAX_EXTENSION_DAYS = int(os.environ.get("DEAL_MAX_EXTENSION_DAYS", "90"))
OPENPRM_DEAL_ATTACHMENT_MAX_BYTES = int(
    os.environ.get("DEAL_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024))
)

# --- Internationalisation
LANGUAGE_CODE = "en"
FORMAT_MODULE_PATH = ["openprm.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed copies made by collectstatic (run by `openprm serve`).
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Email
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "OpenPRM <openprm@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security
# Behind a TLS-terminating proxy, set these to true (docs/operations.md).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Content-Security-Policy (django-csp) on every response, in development as in
# production: scripts and styles only from the app's own static files -- no inline
# <script>, no on*= handler, no eval, no <style> element (htmx's indicator styles
# are off for that: base.html, openprm.css), no style attribute (sizes the server
# computes are data- attributes that static/openprm/behaviour.js applies). Images
# may be data: URIs (Bootstrap's form icons). The browser tests fail on any
# violation (tests/e2e/test_csp_browser.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Number of reverse proxies in front of the app whose X-Forwarded-For is trusted for
# the client address (audit entries, rate limits). 0: use the socket's address.
OPENPRM_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# --- Logging
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    # A 403 or 404 is one line; server errors keep their traceback.
    "filters": {"client_errors": {"()": "openprm.core.logs.ClientErrorsOnOneLine"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["client_errors"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- OpenPRM
OPENPRM_DEMO_PASSWORD = os.environ.get("OPENPRM_DEMO_PASSWORD", "openprm-demo")
# Internal endpoints used only by the benchmark suite (bench/), never in production.
OPENPRM_BENCH_ENDPOINTS = env_bool("OPENPRM_BENCH_ENDPOINTS", False)

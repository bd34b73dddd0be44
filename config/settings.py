"""Settings for the Electronics Watch Platform.

One module for every environment: everything comes from environment variables. The defaults
are safe for development on a laptop; `EW_ENV=production` turns on every protection that
`manage.py check --deploy` looks for and refuses to start without a real secret key.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import environ
from celery.schedules import crontab
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL_DIR = BASE_DIR / ".local"

env = environ.Env()

EW_ENV = env.str("EW_ENV", default="development")
if EW_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("EW_ENV must be 'development' or 'production'.")
PRODUCTION = EW_ENV == "production"

DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG cannot be on in production.")

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")
    SECRET_KEY = "development-only-insecure-key-never-used-in-production"

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# Where links in e-mails point to.
SITE_URL = env.str("EW_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Demo mode relaxes MFA enrolment for EW staff and partners, and says so on every page.
DEMO_MODE = env.bool("EW_DEMO_MODE", default=False)
if PRODUCTION and DEMO_MODE:
    raise ImproperlyConfigured("EW_DEMO_MODE cannot be on in production.")

# Fernet keys for testimony, grievance text and contact details (config/encryption.py),
# comma-separated, newest first. Generate one with
# `python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`.
EW_ENCRYPTION_KEYS = env.list("EW_ENCRYPTION_KEYS", default=[])
if not EW_ENCRYPTION_KEYS:
    if PRODUCTION:
        raise ImproperlyConfigured("EW_ENCRYPTION_KEYS must be set in production.")
    EW_ENCRYPTION_KEYS = ["ZGV2ZWxvcG1lbnQtb25seS1rZXktbm90LXNlY3JldCE="]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    # Third party
    "django_countries",  # for its country-name translations
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",  # single sign-on (affiliates/sso.py)
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "rest_framework",
    "django_filters",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "csp",
    "pgtrigger",
    "pghistory",  # the audit trail (core/audit.py)
    # Ours, from the bottom layer up (../README.md "Architecture")
    "core",
    "affiliates",
    "suppliers",
    "monitoring",
    "grievances",
    "remediation",
    "learning",
    "engagement",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.rls.RowSecurityMiddleware",  # each request a unit of work for the bypass log
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "affiliates.middleware.SessionTimeoutMiddleware",
    "affiliates.middleware.PrivateCacheMiddleware",
    "affiliates.middleware.UserLanguageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "affiliates.middleware.MfaEnrolmentMiddleware",
    "affiliates.tenancy.TenantMiddleware",
    "core.audit.AuditMiddleware",  # who and which request, for the audit trail
    "core.routing.ForgetTriedPatternsMiddleware",  # less garbage a request (core/routing.py)
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "affiliates.context_processors.navigation",
            ],
            # Amounts in the reader's conventions everywhere: `|money:currency`, `|money_eur`.
            "builtins": ["core.templatetags.amounts"],
        },
    },
]

# --- Data stores --------------------------------------------------------------------------

# `make run` and `make test` set DATABASE_URL to an embedded PostgreSQL when it is not set.
# The application connects as DATABASE_URL's role, which owns no table, so that PostgreSQL's
# row-level security binds it (core/rls.py); `manage.py migrate` connects as the owner of the
# tables, DATABASE_OWNER_URL (same server and database; only its user and password are used).
# Without DATABASE_OWNER_URL one role does both, and row-level security binds nobody.
_database_url = env.str("DATABASE_URL", default="postgres://postgres@localhost:5432/ewatch")
DATABASES = {"default": environ.Env.db_url_config(_database_url)}
DATABASES["default"]["ENGINE"] = "core.db"  # Django's PostgreSQL backend + the tenant guard
_owner = environ.Env.db_url_config(env.str("DATABASE_OWNER_URL", default=_database_url))
DATABASE_OWNER = {"USER": _owner.get("USER", ""), "PASSWORD": _owner.get("PASSWORD", "")}
DATABASE_APPLICATION = {key: DATABASES["default"].get(key, "") for key in ("USER", "PASSWORD")}
# Persistent connections in production (gunicorn's workers reuse them); none in development,
# where runserver serves each request in a new thread whose connection would linger.
DATABASES["default"]["CONN_MAX_AGE"] = env.int(
    "DATABASE_CONN_MAX_AGE", default=60 if PRODUCTION else 0
)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")


def _celery_broker_url(redis_url: str) -> str:
    """Kombu names Redis over a Unix socket `redis+socket://`; redis-py names it `unix://`."""
    parts = urlsplit(redis_url)
    if parts.scheme == "unix":
        return f"redis+socket://{parts.path}?virtual_host={_redis_db(redis_url)}"
    return redis_url


def _redis_with_db(redis_url: str, db: int) -> str:
    """The same Redis server, another logical database (`redis://h/N` or `unix://p?db=N`)."""
    parts = urlsplit(redis_url)
    if parts.scheme == "unix":
        query = {**parse_qs(parts.query), "db": [str(db)]}
        return f"unix://{parts.path}?{urlencode(query, doseq=True)}"
    return urlunsplit(parts._replace(path=f"/{db}"))


def _redis_db(redis_url: str) -> int:
    parts = urlsplit(redis_url)
    if parts.scheme == "unix":
        return int(parse_qs(parts.query).get("db", ["0"])[0])
    return int(parts.path.strip("/") or 0)


# The broker uses REDIS_URL's database, the cache the next one: clearing the cache (as the
# tests do between tests) must never drop queued tasks.
CACHE_URL = env.str("CACHE_URL", default=_redis_with_db(REDIS_URL, _redis_db(REDIS_URL) + 1))
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="ew"),
    }
}

SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Celery ------------------------------------------------------------------------------

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=_celery_broker_url(REDIS_URL))
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(LOCAL_DIR / "celerybeat-schedule")
)
CELERY_BEAT_SCHEDULE = {
    # Reminders are swept from stored due dates, never scheduled as ETA tasks (SECURITY.md);
    # each sweep catches up the days it did not run (core.reminders).
    "disclosure-reminders": {
        "task": "suppliers.tasks.send_disclosure_reminders",
        "schedule": crontab(hour=6, minute=30),
    },
    "grievance-reminders": {
        "task": "grievances.tasks.send_grievance_reminders",
        "schedule": crontab(hour=6, minute=35),
    },
    "grievance-retention": {
        "task": "grievances.tasks.anonymise_expired_grievances",
        "schedule": crontab(hour=3, minute=15),
    },
    "remediation-reminders": {
        "task": "remediation.tasks.send_reminders",
        "schedule": crontab(hour=6, minute=40),
    },
    # Peer learning's weekly digests, from EW_DIGEST_WEEKDAY on, once per member and week.
    "community-digests": {
        "task": "learning.tasks.send_community_digests",
        "schedule": crontab(hour=6, minute=50),
    },
    # The day-before reminder of webinars and trainings (learning.services.event_reminders).
    "event-reminders": {
        "task": "learning.tasks.send_event_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    # Industry engagement: RBA referrals' response due dates, dialogue commitments.
    "engagement-reminders": {
        "task": "engagement.tasks.send_engagement_reminders",
        "schedule": crontab(hour=7, minute=10),
    },
    # Queues each affiliate's report of the previous year on EW_ANNUAL_REPORT_DATE.
    "compliance-reports": {
        "task": "reports.tasks.schedule_compliance_reports",
        "schedule": crontab(hour=5, minute=0),
    },
    # Scores the last closed quarter for the companies not scored yet (engagement).
    "company-scores": {
        "task": "engagement.tasks.score_last_quarter",
        "schedule": crontab(hour=4, minute=30),
    },
    # Right of reply: records the deadlines passed without an answer, reminds company contacts.
    "reply-sweep": {
        "task": "engagement.tasks.sweep_rights_of_reply",
        "schedule": crontab(hour=6, minute=45),
    },
    # Sends what an interrupted worker or a lost enqueue left in the outbox.
    # Large disclosure uploads' records (and any file left) after their retention.
    "disclosure-uploads": {
        "task": "suppliers.tasks.clean_disclosure_uploads",
        "schedule": crontab(hour=3, minute=25),
    },
    "outbox": {"task": "core.tasks.send_outbox", "schedule": 60.0},
    # Background exports of long lists (core.exports): deleted with their file once expired.
    "exports-clean": {"task": "core.tasks.clean_exports", "schedule": crontab(minute=20)},
}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

# --- Accounts ----------------------------------------------------------------------------

AUTH_USER_MODEL = "affiliates.User"
AUTHENTICATION_BACKENDS = [
    "affiliates.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_ADAPTER = "affiliates.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Electronics Watch] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# People join through an affiliate admin's invitation, never by signing themselves up.
EW_OPEN_SIGNUP = False
# The reverse proxies in front of the application (core/client.py): how many, and/or their
# networks. Zero and none when the application faces the clients itself.
EW_TRUSTED_PROXY_COUNT = env.int("EW_TRUSTED_PROXY_COUNT", default=0)
EW_TRUSTED_PROXY_NETWORKS = env.list("EW_TRUSTED_PROXY_NETWORKS", default=[])
# Wrong passwords count per account *and* client (the "key" of login_failed is both, see
# affiliates/adapters.py), so nobody can lock another person out from elsewhere; past
# EW_LOGIN_SLOWDOWN_AFTER failures in an hour from anywhere, each further failure is slowed.
EW_LOGIN_SLOWDOWN_AFTER = 20
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Electronics Watch"
# Single sign-on through affiliates' own identity providers (affiliates/sso.py): the apps
# come from staff's configuration only, and our adapter admits verified e-mails of the
# configured domains itself, so allauth neither matches by e-mail nor asks to verify.
SOCIALACCOUNT_ADAPTER = "affiliates.adapters.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_STORE_TOKENS = False
# Role-based MFA enrolment is ours (allauth has no setting): see affiliates.middleware.
EW_MFA_REQUIRED = not DEMO_MODE

# Sessions: a new key at login (Django), an idle and an absolute timeout (ours).
SESSION_COOKIE_AGE = env.int("SESSION_ABSOLUTE_TIMEOUT", default=12 * 60 * 60)
EW_SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- API ---------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "affiliates.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["core.renderers.OrjsonRenderer"],  # DRF's JSON, encoded by orjson
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.CappedPageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "core.api.ErrorResponsesAutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
# Lists (pages and API) count their rows up to this many, then say "more than" (core.pagination).
EW_LIST_COUNT_LIMIT = env.int("EW_LIST_COUNT_LIMIT", default=10_000)
# Dashboards, risk views and report figures cached until the domain data change (core/readmodel.py).
EW_READMODEL_CACHE = env.bool("EW_READMODEL_CACHE", default=True)
# Filter choices are counted over at most this many rows; beyond, offered without counts
# (core.filters).
EW_FILTER_COUNT_LIMIT = env.int("EW_FILTER_COUNT_LIMIT", default=1_000)
KNOX_TOKEN_MODEL = "affiliates.ApiToken"
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env.int("EW_API_TOKEN_TTL_DAYS", default=90)),
    "TOKEN_PREFIX": "ew_",
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Electronics Watch Platform API",
    "DESCRIPTION": (
        "Affiliate-scoped API. Authenticate with a personal token (`Authorization: Token …`) "
        "created on the account page. A user in several affiliates names one with "
        "`?affiliate=<slug>`."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.close_audience_branches",
    ],
    "ENUM_NAME_OVERRIDES": {
        "GrievanceStatusEnum": "grievances.models.Status",
        "GrievanceChannelEnum": "grievances.models.Channel",
        "GrievanceContactMethodEnum": "grievances.models.ContactMethod",
        "ForcedLabourIndicatorEnum": "monitoring.models.ForcedLabourIndicator",
        "PlatformLanguageEnum": "config.settings.LANGUAGES",
        "GrievanceLanguageEnum": "config.settings.GRIEVANCE_LANGUAGES",
        # Learning: self-assessment
        "SelfAssessmentStatusEnum": "learning.models.Assessment.Status",
        "SelfAssessmentPdfStatusEnum": "learning.models.Assessment.PdfStatus",
        "MaturityLevelEnum": "learning.models.MaturityLevel",
        "AnswerLevelEnum": "learning.models.AnswerLevel",
        # Engagement: the company portal shows disclosures and actions too
        "DisclosureStatusEnum": "suppliers.models.Disclosure.Status",
        "RemediationActionStatusEnum": "remediation.models.ActionStatus",
        # Industry engagement: RBA referrals and dialogue
        "RbaReferralStatusEnum": "engagement.models.RbaReferral.Status",
        "RbaReferralOutcomeEnum": "engagement.models.RbaReferral.Outcome",
        "RbaReferralMaterialEnum": "engagement.models.RbaReferral.Material",
        "CommitmentStatusEnum": "engagement.models.Commitment.Status",
        "DialogueFormatEnum": "engagement.models.Dialogue.Format",
        "DialogueParticipantKindEnum": "engagement.models.Participant.Kind",
        "WorkersOrganisationKindEnum": "engagement.models.Organisation.Kind",
    },
}

# --- Internationalisation ---------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
# The project catalogue (English → French) first; then the catalogues of the public grievance
# pages in the other grievance languages (not named `locale`, so `makemessages -l fr` keeps
# extracting every French string into the project catalogue).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "grievances" / "public_locale"]
USE_I18N = True
# European dates and numbers per language (config/formats/<lang>/formats.py); grouping only where
# a template asks for it (see config/formats/__init__.py).
FORMAT_MODULE_PATH = ["config.formats"]
USE_THOUSAND_SEPARATOR = False
TIME_ZONE = "Europe/Brussels"
USE_TZ = True
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static files and uploads -----------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = env.str("STATIC_ROOT", default=str(LOCAL_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(LOCAL_DIR / "media"))
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Evidence and grievance attachments (config/uploads.py): per-file limit and image size.
EW_UPLOAD_MAX_BYTES = env.int("EW_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
EW_UPLOAD_MAX_PIXELS = 40_000_000
# Documents of the guidance library (PDF, DOCX, XLSX): per-file limit.
EW_LIBRARY_MAX_BYTES = env.int("EW_LIBRARY_MAX_BYTES", default=20 * 1024 * 1024)
# Disclosure files with more rows than this are checked and saved by a Celery task, with a
# progress bar, instead of inside the request; their records are deleted after the retention.
EW_IMPORT_BACKGROUND_ROWS = env.int("EW_IMPORT_BACKGROUND_ROWS", default=5000)
EW_DISCLOSURE_UPLOAD_RETENTION_DAYS = env.int("EW_DISCLOSURE_UPLOAD_RETENTION_DAYS", default=30)
# List exports (core.exports) of more rows than this are written by a Celery task, with a
# progress page; their files are kept privately this many hours, then deleted.
EW_EXPORT_BACKGROUND_ROWS = env.int("EW_EXPORT_BACKGROUND_ROWS", default=5000)
EW_EXPORT_RETENTION_HOURS = env.int("EW_EXPORT_RETENTION_HOURS", default=48)
# Worker counts below this are shown to affiliates as "fewer than N": a small number can point
# at the few people who spoke to the monitors.
EW_MIN_REPORTED_COUNT = 5
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024  # the form fields, files excluded
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- E-mail ------------------------------------------------------------------------------

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default=(
        "django.core.mail.backends.smtp.EmailBackend"
        if PRODUCTION
        else "django.core.mail.backends.filebased.EmailBackend"
    ),
)
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(LOCAL_DIR / "mail"))
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Electronics Watch <noreply@ewatch.example>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security headers -------------------------------------------------------------------

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No page of the platform uses the browser's sensors, payment or device features: none may.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Logging ------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Request logs carry URLs and client addresses; we keep our own security log instead.
        "django.server": {"level": "WARNING"},
        "ew.security": {"level": "INFO", "propagate": True},
    },
}

# Prefix of the OCDS ids (ocid) of exported contracts that were not imported with one: an
# unregistered placeholder; register a prefix with the Open Contracting Partnership to publish.
EW_OCID_PREFIX = env.str("EW_OCID_PREFIX", default="ocds-ewatch")

# Reference rates for comparing contract values across currencies (leverage rankings only;
# contracts keep their own currency). Units of currency per euro.
EW_EUR_RATES = {
    "EUR": "1",
    "GBP": "0.85",
    "SEK": "11.2",
    "NOK": "11.6",
    "DKK": "7.46",
    "CHF": "0.94",
    "PLN": "4.3",
    "CZK": "25.0",
    "HUF": "395",
    "USD": "1.08",
}

# --- Grievances ----------------------------------------------------------------------------

# The languages of the public grievance pages (the platform itself speaks English and French).
# Names are written in their own language: they are what a worker looks for.
GRIEVANCE_LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("es", "Español"),
    ("zh-hans", "简体中文"),
    ("th", "ไทย"),
    ("ms", "Bahasa Melayu"),
    ("id", "Bahasa Indonesia"),
    ("vi", "Tiếng Việt"),
    ("tl", "Tagalog"),
    ("cs", "Čeština"),
]
# Django knows no Tagalog; `get_language_info("tl")` needs this.
LANG_INFO.setdefault(
    "tl", {"bidi": False, "code": "tl", "name": "Tagalog", "name_local": "Tagalog"}
)
# Affiliates see a factory's grievance count only from this many on (nobody singled out).
EW_GRIEVANCE_COUNT_THRESHOLD = env.int("EW_GRIEVANCE_COUNT_THRESHOLD", default=5)
# Closed grievances are anonymised this many months after closing.
EW_GRIEVANCE_RETENTION_MONTHS = env.int("EW_GRIEVANCE_RETENTION_MONTHS", default=24)

# Remediation: the weekday (0 = Monday) on which affiliate members get their weekly digest.
EW_DIGEST_WEEKDAY = env.int("EW_DIGEST_WEEKDAY", default=0)
# Compliance reports: the day (MM-DD) on which each affiliate's report of the previous
# calendar year is generated and its admins are e-mailed a link.
EW_ANNUAL_REPORT_DATE = env.str("EW_ANNUAL_REPORT_DATE", default="01-15")
# Right of reply: the default number of days a company has to answer findings shared with it.
EW_REPLY_DAYS = env.int("EW_REPLY_DAYS", default=30)
# RBA referrals: days the RBA has to respond, by default (each referral may set its own date).
EW_RBA_RESPONSE_DAYS = env.int("EW_RBA_RESPONSE_DAYS", default=60)

"""Settings for the CCPCJ session-notes knowledge base.

Every value that differs between a laptop and production comes from an environment variable; the
defaults are safe for development (SQLite beside the code, DEBUG on, local hosts only).
"""

import os
import re
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    """An integer setting; anything else (a typo, a negative count) stops the start."""
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    return number


DEBUG = env_bool("DEBUG", True)

_DEVELOPMENT_SECRET_KEY = "development-only-secret-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", _DEVELOPMENT_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "taggit",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "topics",
    "sessions.apps.SessionsConfig",
    "api",
    "ccpcj_kb.apps.SiteConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything that may answer, so every API answer carries its CORS headers.
    "corsheaders.middleware.CorsMiddleware",
    # Before sessions and CSRF: a visitor's page comes from the cache without reaching them;
    # and before the headers below, which are stored with the page instead of made again.
    "ccpcj_kb.pagecache.PageCacheMiddleware",
    "csp.middleware.CSPMiddleware",
    "ccpcj_kb.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the request, so a NUL byte never reaches the database.
    "ccpcj_kb.middleware.RejectNulBytesMiddleware",
    # ETags and 304s for the pages the cache does not share (signed-in users').
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ccpcj_kb.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes requires: it turns a locked-out sign-in into a clear page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "sessions:home"
LOGOUT_REDIRECT_URL = "sessions:home"

# Repeated failed sign-ins lock the account for this address (django-axes).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "ccpcj_kb.middleware.locked_out"
# Attempts are counted per client address. Behind proxies that append to X-Forwarded-For, say how
# many: the address is then read that many entries from the right, which no client can forge.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "ccpcj_kb.middleware.client_ip"

ROOT_URLCONF = "ccpcj_kb.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sessions.context_processors.canonical_address",
            ],
        },
    },
]

WSGI_APPLICATION = "ccpcj_kb.wsgi.application"

# SQLite is the embedded default; DATABASE_URL=postgres://... switches to PostgreSQL (psycopg 3).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}

# A read replica of PostgreSQL: reads go there, writes and the reads that must see them to the
# primary (ccpcj_kb/routers.py). Tests read the primary through it.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
# How long after writing a client reads from the primary: more than the replica's usual lag.
REPLICA_LAG_SECONDS = env_int("REPLICA_LAG_SECONDS", 10)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **dj_database_url.parse(
            DATABASE_REPLICA_URL,
            conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
            conn_health_checks=True,
        ),
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["ccpcj_kb.routers.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("ccpcj_kb.pagecache.PageCacheMiddleware"),
        "ccpcj_kb.routers.ReplicaMiddleware",
    )

# PostgreSQL's JIT compiles a query's plan when its estimated cost is high, which takes up to a
# second: worth it for reports scanning millions of rows, never for a page's queries. The
# default work_mem (4 MB) is too small for a search over a million notes: its sorts spill to
# disk and its bitmaps turn lossy, so every matching note's vector is read again. The default
# random_page_cost (4) prices reading a row by its index as reading from a spinning disk; the
# database is read from memory or SSD, where the newest notes holding a common word are found
# along the date index, not by listing every note holding it.
for _database in DATABASES.values():
    if _database["ENGINE"].endswith("postgresql"):
        _database.setdefault("OPTIONS", {})["options"] = (
            "-c jit=off -c work_mem=32MB -c random_page_cost=1.1"
        )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The shared cache: whole pages for visitors (ccpcj_kb/pagecache.py). Without a server it is a
# directory every worker process on this machine shares (files, not the database, so reading a
# page costs no query and no database lock); REDIS_URL shares it between servers.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "ccpcj_kb.cache.UncompressedFileBasedCache",
            "LOCATION": os.environ.get("CACHE_DIR", str(BASE_DIR / ".cache")),
            # Each write lists the directory to decide whether to cull: keep it short.
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 2000, minimum=1)},
        }
    }
PAGE_CACHE_ALIAS = "default"
# How long a stored page may be kept; 0 turns the page cache off (while editing templates).
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 24 * 60 * 60)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
# The site is written in British English only. Django's en_GB catalogue translates nothing
# differently from the source strings, so the translation machinery only cost time on every
# date and label rendered; dates and numbers still follow the en_GB formats.
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Where the loader finds the distilled fixtures and the source documents they cite.
KB_FIXTURES_DIR = Path(os.environ.get("KB_FIXTURES_DIR", BASE_DIR / "fixtures"))

TAGGIT_CASE_INSENSITIVE = True
# How many new tags one account may create in an hour, so nobody can flood the tag filters;
# adding tags that already exist is never limited.
TAGS_CREATED_PER_HOUR = env_int("TAGS_CREATED_PER_HOUR", 30)

SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Every script, style, image and font comes from this site and none is inline; forms post only
# here; no page may be framed (django-csp).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# The site uses none of these browser features; nothing it embeds may either.
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    ]
}
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The read-only JSON API at /api/v1/ (Django REST framework, drf-spectacular): anonymous, JSON
# only, a page of 20 records, and at most API_THROTTLE_RATE requests from one address.
API_THROTTLE_RATE = os.environ.get("API_THROTTLE_RATE", "60/minute")
if not re.fullmatch(r"[1-9][0-9]*/(second|minute|hour|day)", API_THROTTLE_RATE):
    raise ImproperlyConfigured(
        f"API_THROTTLE_RATE is a number of requests per second, minute, hour or day, such as "
        f"60/minute, not {API_THROTTLE_RATE!r}."
    )
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.VisitorRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumbers",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CCPCJ knowledge base API",
    "DESCRIPTION": (
        "Read-only JSON for every record of the knowledge base of notes from sessions of the UN "
        "Commission on Crime Prevention and Criminal Justice. Records are at their natural keys "
        "(slugs; documents at their normalised symbols), link to related records by their API "
        "addresses and to their page on the site (`url`). Lists come a page at a time with "
        "`count`, `next` and `previous`. Anonymous, limited per address: a 429 answer says in "
        "`Retry-After` how many seconds to wait."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "PATH_CONVERTER_OVERRIDES": {"slug": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.document_errors",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}
# Any site's scripts may read the API, never with the visitor's cookies (django-cors-headers).
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

"""The one settings module of Verme: every value comes from the environment.

Defaults work on a laptop (SQLite in the project folder, console e-mail, DEBUG on). Production
sets ``VERME_DEBUG=false`` and must then give ``SECRET_KEY``. ``.env.example`` lists every
variable.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from verme.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("VERME_DEBUG", True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when VERME_DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-never-used-in-production-verme-0123456789"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "verme.accounts",
    "verme.organisations",
    "verme.audit",
    "verme.notifications",
    "verme.rounds",
    "verme.registrations",
    "verme.announcements",
    "verme.mentors",
    "verme.groups",
    "verme.pages",
    "verme.admin_site.VermeAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "verme.accounts.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "verme.urls"
WSGI_APPLICATION = "verme.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "verme" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "verme.pages.context_processors.site",
            ],
        },
    },
]

# Database: SQLite in the project folder by default (WAL, busy timeout, immediate transactions so
# that concurrent writers queue instead of failing); PostgreSQL through DATABASE_URL.
DATABASE_URL = env_str("DATABASE_URL")
DATABASES: dict[str, dict[str, Any]]
if DATABASE_URL:
    DATABASES = {
        "default": dict(
            dj_database_url.parse(
                DATABASE_URL,
                conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
                conn_health_checks=True,
            )
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / env_str("SQLITE_PATH", "db.sqlite3"),
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": env_int("SQLITE_BUSY_TIMEOUT_S", 20),
            },
            # Tests use a file too, so that concurrent writers wait as they do in production
            # (an in-memory database answers "locked" at once instead of waiting); one per test
            # process, so that two test runs on one machine never share it.
            "TEST": {"NAME": Path(tempfile.gettempdir()) / f"verme-test-{os.getpid()}.sqlite3"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "verme.accounts.backends.VermeAuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"

# The cache holds rate-limit counters; in the database so that every server process shares them.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "verme_cache",
    }
}

# Sign-in (django-allauth): e-mail with a one-time code, an optional password, and optional
# OpenID Connect single sign-on. Accounts are created by organisations, not by open sign-up.
ACCOUNT_ADAPTER = "verme.accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "verme.accounts.adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
# "password1" without a star: a password is optional; signing in by e-mail code needs none.
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = env_int("LOGIN_CODE_TIMEOUT_S", 900)
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_RATE_LIMITS = {
    "login": env_str("RATE_LIMIT_LOGIN", "30/m/ip"),
    "login_failed": env_str("RATE_LIMIT_LOGIN_FAILED", "10/m/ip,5/5m/key"),
    "request_login_code": env_str("RATE_LIMIT_LOGIN_CODE", "20/m/ip,3/m/key"),
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_PROVIDERS: dict[str, Any] = {}
OIDC_CLIENT_ID = env_str("OIDC_CLIENT_ID")
if OIDC_CLIENT_ID:
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": env_str("OIDC_PROVIDER_ID", "sso"),
                "name": env_str("OIDC_NAME", "Single sign-on"),
                "client_id": OIDC_CLIENT_ID,
                "secret": env_str("OIDC_CLIENT_SECRET"),
                "settings": {"server_url": env_str("OIDC_ISSUER_URL")},
            }
        ],
    }
    if not env_str("OIDC_ISSUER_URL"):
        raise ImproperlyConfigured("OIDC_ISSUER_URL must be set when OIDC_CLIENT_ID is set.")

# Languages: Finnish is the default; Swedish and English are offered on every page.
LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "verme" / "locale"]
LANGUAGE_COOKIE_NAME = "verme_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
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
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# E-mail: printed to the console by default; SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT_S", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Verme <verme@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work: django-tasks with its database backend; `manage.py db_worker` runs the queue.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Security: strict defaults whenever DEBUG is off (``manage.py check --deploy`` passes).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"

# Verme's own settings.
# Public sign-up: at most this many submissions from one address per window. A school's staff
# often share one public address, so the default lets a staff meeting sign up together.
SIGNUP_RATE_LIMIT = env_int("SIGNUP_RATE_LIMIT", 30)
SIGNUP_RATE_WINDOW_S = env_int("SIGNUP_RATE_WINDOW_S", 600)
# How many reverse proxies in front of Verme append to X-Forwarded-For (0: use REMOTE_ADDR).
TRUSTED_PROXY_HOPS = env_int("TRUSTED_PROXY_HOPS", 0)
VERME_DEMO_MODE = env_bool("VERME_DEMO_MODE", DEBUG)
VERME_ACCESSIBILITY_FEEDBACK_EMAIL = env_str(
    "ACCESSIBILITY_FEEDBACK_EMAIL", "saavutettavuus@localhost"
)
VERME_PRIVACY_CONTACT_EMAIL = env_str("PRIVACY_CONTACT_EMAIL", "tietosuoja@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

"""Settings of the bureau portal.

One module, driven by the environment (STYLE.md guideline 12). Everything that varies between a
laptop, CI and production is read here, at the top; the rest of the file only uses the values.
Defaults are safe: DEBUG is off and a missing secret key is an error unless DEBUG is on.
"""

import base64
import ipaddress
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from portal.otp_issuer import totp_issuer

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


# --------------------------------------------------------------------------------------------
# ENVIRONMENT (read once, here)
# --------------------------------------------------------------------------------------------
DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASE_POOL = env_bool("DATABASE_POOL", True)
CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL", "")
SECURE = env_bool("DJANGO_SECURE", not DEBUG)  # HTTPS-only cookies, HSTS, redirect
SECURE_PROXY_HEADER = env_bool("DJANGO_SECURE_PROXY_HEADER", False)
HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# Citizens' attachments: outside MEDIA_ROOT, never served by the web server (portal.uploads).
PRIVATE_MEDIA_ROOT = Path(os.environ.get("DJANGO_PRIVATE_MEDIA_ROOT", BASE_DIR / "private_media"))
MAIL_HOST = os.environ.get("EMAIL_HOST", "")
MAIL_PORT = int(os.environ.get("EMAIL_PORT", "465"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@gtj.example.gov.cn")
DEMO_ACCOUNTS_FILE = BASE_DIR / ".demo-accounts.txt"  # written by load_demo, git-ignored
TASKS_BACKEND = os.environ.get("DJANGO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
# /.well-known/security.txt: where to report a vulnerability (URIs, comma-separated; empty: the
# bureau's e-mail from 网站设置), how many days ahead it says it expires, and a policy page.
SECURITY_CONTACTS = env_list("SECURITY_CONTACTS")
# The admin (login included) only from these networks (CIDR, comma-separated); empty: any address.
ADMIN_ALLOWED_NETWORKS = env_list("ADMIN_ALLOWED_NETWORKS")
# 等保 asks for password expiry and history, and for dormant accounts to be disabled (NIST SP
# 800-63B advises against forced expiry; a bureau under 等保 sets it, 0 switches each rule off).
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("PASSWORD_MAX_AGE_DAYS", "180"))
PASSWORD_HISTORY_COUNT = int(os.environ.get("PASSWORD_HISTORY_COUNT", "5"))
STAFF_INACTIVE_DAYS = int(os.environ.get("STAFF_INACTIVE_DAYS", "90"))
SECURITY_TXT_DAYS = int(os.environ.get("SECURITY_TXT_DAYS", "180"))
SECURITY_POLICY_URL = os.environ.get("SECURITY_POLICY_URL", "")
CITIZEN_SMS_BACKEND = os.environ.get("CITIZEN_SMS_BACKEND", "portal.notify.ConsoleSMSBackend")
UPLOAD_SCAN_HOOK = os.environ.get("UPLOAD_SCAN_HOOK", "")  # a deployment's virus scanner
# 办事指南 网上办理 links must be https pages of these 政务服务网 hosts (comma-separated; a
# subdomain counts); empty: any https address.
SERVICE_ONLINE_HOSTS = env_list("SERVICE_ONLINE_HOSTS")

# --------------------------------------------------------------------------------------------
# GENERAL
# --------------------------------------------------------------------------------------------
for _cidr in ADMIN_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_cidr, strict=False)
    except ValueError as _exc:
        raise ImproperlyConfigured(f"ADMIN_ALLOWED_NETWORKS: {_cidr} is no network") from _exc
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    # Local runs keep a generated key in a git-ignored file so sessions survive restarts.
    key_file = BASE_DIR / ".secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
    SECRET_KEY = key_file.read_text().strip()

# Personal data at rest (portal/crypto.py): PII_KEYS lists "key id:base64 key" pairs separated by
# commas (every key that may still decrypt a stored value), PII_KEY_ID names the one new values
# are encrypted with, PII_HASH_KEY (base64) keys the lookup hashes. Local runs keep generated keys
# in a git-ignored file; production without them refuses to start, like the secret key.
PII_KEYS = dict(pair.split(":", 1) for pair in env_list("PII_KEYS") if ":" in pair)
PII_KEY_ID = os.environ.get("PII_KEY_ID", "")
PII_HASH_KEY = os.environ.get("PII_HASH_KEY", "")
if not (PII_KEYS and PII_HASH_KEY):
    if not DEBUG:
        raise ImproperlyConfigured(
            "PII_KEYS and PII_HASH_KEY must be set when DJANGO_DEBUG is off."
        )
    # Local runs keep generated keys in a git-ignored file (line 1 "local:<key>", line 2 the
    # hash key), so the demo database stays readable across restarts.
    _pii_key_file = BASE_DIR / ".pii_keys"
    if not _pii_key_file.exists():
        _pii_key_file.write_text(
            f"local:{base64.b64encode(secrets.token_bytes(32)).decode()}\n"
            f"{base64.b64encode(secrets.token_bytes(32)).decode()}\n"
        )
    _pii_key_line, PII_HASH_KEY = _pii_key_file.read_text().split()[:2]
    PII_KEYS = dict([_pii_key_line.split(":", 1)])
PII_KEY_ID = PII_KEY_ID or next(iter(PII_KEYS))
if PII_KEY_ID not in PII_KEYS:
    raise ImproperlyConfigured(f"PII_KEY_ID {PII_KEY_ID} is not one of PII_KEYS.")

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --------------------------------------------------------------------------------------------
# DATABASES
# --------------------------------------------------------------------------------------------
DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and DATABASE_POOL:
    # Django's own pool (psycopg 3); persistent connections and the pool exclude each other.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {"min_size": 1, "max_size": 8}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Every select of departments or columns (ModelChoiceField) iterates with .iterator(), which
    # on PostgreSQL opens a server-side cursor: DECLARE, FETCH, CLOSE for nine rows, a quarter of
    # a column page's time. Long scans read keyset batches instead (reindex, scan_content).
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )

# --------------------------------------------------------------------------------------------
# CACHES
# --------------------------------------------------------------------------------------------
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "portal.cache.PortalRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "portal",
        }
    }
    # PortalRedisCache is Django's RedisCache with one shared client per pool: atomic increments
    # as django-ratelimit needs, which knows the backend only by its class path.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
else:
    # One process (make run, tests): a local cache is enough, also for the rate limits.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # In production `check --deploy` warns of this instead (portal.W003, portal/checks.py).
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# --------------------------------------------------------------------------------------------
# APPS
# --------------------------------------------------------------------------------------------
INSTALLED_APPS = [
    "portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",  # /sitemap.xml (its templates)
    "django.contrib.postgres",  # SearchVectorField for the search index; harmless on SQLite
    "django_filters",
    "django_prose_editor",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks_db",
    "django_ratelimit",
    "ninja",  # the open-data API's docs page serves Swagger UI from our static files, no CDN
    "corsheaders",
    # Our apps. portal first: its User is in the first migration and the others point into it.
    "portal.apps.PortalConfig",
    "disclosure.apps.DisclosureConfig",
    "services.apps.ServicesConfig",
    "complaints.apps.ComplaintsConfig",
    "oversight.apps.OversightConfig",
    "api.apps.ApiConfig",
    # Passkeys (WebAuthn) as a second factor besides TOTP. After portal: its models module looks
    # the user model up when imported, and portal.models imports it once User exists.
    "django_otp_webauthn",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.middleware.AdminNetworkMiddleware",  # the admin only from ADMIN_ALLOWED_NETWORKS
    # Cached public pages for anonymous readers are answered here, before everything below.
    "portal.pagecache.PageCacheMiddleware",
    "corsheaders.middleware.CorsMiddleware",  # /api/v1/ only, GET only (CORS_* below)
    "api.middleware.OpenDataMiddleware",  # /api/v1/: rate limit, cache, ETag, 304
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.middleware.StaffIdleTimeoutMiddleware",  # staff only; public pages stay session-free
    "django_otp.middleware.OTPMiddleware",
    "portal.middleware.StaffTwoFactorMiddleware",  # TOTP before the admin for roles that publish
    "portal.middleware.PasswordExpiryMiddleware",  # an expired password is changed first
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
            ],
        },
    },
]

# --------------------------------------------------------------------------------------------
# AUTHENTICATION
# --------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # 等保: three of upper case, lower case, digits, symbols (Chinese messages).
    {"NAME": "portal.password_validation.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    # 等保: the last passwords are not used again (PASSWORD_HISTORY_COUNT; 0 switches it off).
    {
        "NAME": "portal.password_validation.PasswordHistoryValidator",
        "OPTIONS": {"count": PASSWORD_HISTORY_COUNT},
    },
]
LOGIN_URL = "admin:login"
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_RESET_ON_SUCCESS = True
# Locked per account and address pair: one person's typos must not lock out every colleague
# behind the bureau's NAT address, and a guessed account stays locked only from that address.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_IPWARE_PROXY_COUNT = 1 if SECURE_PROXY_HEADER else None
# Security hardening (issue 9): the lockout page in Chinese, staff sessions end after 30 minutes
# without a request, and the audit log keeps at least 180 days (prune_audit_log).
AXES_LOCKOUT_TEMPLATE = "portal/lockout.html"
# django-axes' own admin pages are English and show raw form data; the 安全管理员 sees and lifts
# lockouts in 门户与系统设置 › 登录锁定 (portal.admin.LoginLockoutAdmin) instead.
AXES_ENABLE_ADMIN = False
STAFF_SESSION_IDLE_SECONDS = int(os.environ.get("STAFF_SESSION_IDLE_MINUTES", "30")) * 60
# TOTP two-factor (django-otp): roles that publish (portal.roles.PUBLISHING_ROLES) must verify a
# code from an authenticator app before using the admin. On in production, off in development so
# the demo accounts work; STAFF_OTP_REQUIRED=1/0 decides explicitly.
STAFF_OTP_REQUIRED = env_bool("STAFF_OTP_REQUIRED", not DEBUG)
OTP_TOTP_ISSUER = totp_issuer  # the bureau's name from 网站设置 + 政务公开管理平台
# Passkeys (WebAuthn, django-otp-webauthn) as the other second factor. The relying party is the
# site's domain: OTP_WEBAUTHN_RP_ID, else the first named host of DJANGO_ALLOWED_HOSTS (an IP
# address cannot be one), else localhost. A passkey registered for one RP id works only there.
# The name the browser shows is OTP_WEBAUTHN_RP_NAME, else the bureau's platform (网站设置).
# Passkeys are only ever a second factor: never a login without the password.
OTP_WEBAUTHN_RP_ID = os.environ.get("OTP_WEBAUTHN_RP_ID", "") or next(
    (
        host.lstrip(".")
        for host in ALLOWED_HOSTS
        if host != "*" and not host.replace(".", "").isdigit() and ":" not in host
    ),
    "localhost",
)
OTP_WEBAUTHN_RP_NAME = os.environ.get("OTP_WEBAUTHN_RP_NAME", "")
OTP_WEBAUTHN_RP_NAME_CALLABLE = "portal.otp_issuer.passkey_rp_name"
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list("OTP_WEBAUTHN_ALLOWED_ORIGINS") or (
    ["http://localhost:8000"]
    if OTP_WEBAUTHN_RP_ID == "localhost"
    else [f"https://{OTP_WEBAUTHN_RP_ID}"]
)
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_EXCEPTION_LOGGER_NAME = "portal.passkeys"
AUDIT_RETENTION_DAYS = max(int(os.environ.get("AUDIT_RETENTION_DAYS", "180")), 180)
# The cipher of personal data at rest: AES-256-GCM, or SM4-GCM (portal.crypto.SM4GCM, 16-byte
# keys) where a 密码应用安全性评估 asks for the national algorithm.
PII_CIPHER = os.environ.get("PII_CIPHER", "portal.crypto.AES256GCM")
# Personal contact data of cases closed more than this many years ago are erased
# (manage.py erase_old_personal_data); the cases and their figures stay.
PII_RETENTION_YEARS = int(os.environ.get("PII_RETENTION_YEARS", "5"))

# --------------------------------------------------------------------------------------------
# SECURITY
# --------------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE
SECURE_HSTS_SECONDS = HSTS_SECONDS if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
# Plain-HTTP probes from the load balancer must not be redirected.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
if SECURE_PROXY_HEADER:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Django's built-in CSP: scripts only from us, inline scripts only with the per-request nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
UPLOAD_MAX_BYTES = 20 * 1024 * 1024  # one attachment (portal.uploads)

# --------------------------------------------------------------------------------------------
# STATIC AND MEDIA
# --------------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --------------------------------------------------------------------------------------------
# E-MAIL
# --------------------------------------------------------------------------------------------
if MAIL_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": MAIL_HOST,
                "port": MAIL_PORT,
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_ssl": env_bool("EMAIL_USE_SSL", MAIL_PORT == 465),
                "use_tls": env_bool("EMAIL_USE_TLS", False),
                "timeout": 20,
            },
        }
    }
else:
    # Without a mail server, mail is printed to the log rather than lost silently.
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Notices to citizens (portal.notify): e-mail through the mailer above, SMS through this class
# (a subclass of portal.notify.BaseSMSBackend) with these keyword arguments.
CITIZEN_SMS_OPTIONS = {}

# --------------------------------------------------------------------------------------------
# TASKS
# --------------------------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": TASKS_BACKEND}}

# --------------------------------------------------------------------------------------------
# THIRD-PARTY APPS
# --------------------------------------------------------------------------------------------
SIMPLE_HISTORY_REVERT_DISABLED = True
RATELIMIT_VIEW = "portal.views.rate_limited"
# Anonymous readers get public pages from the cache for this long, answered before the middleware
# stack; a publication makes stale at once only the pages it changes (portal.pagecache). 0
# switches the page cache off.
PUBLIC_PAGE_CACHE_SECONDS = int(os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", "60"))
# Search result pages are not made stale by publications: they are kept this long only.
SEARCH_PAGE_CACHE_SECONDS = int(os.environ.get("SEARCH_PAGE_CACHE_SECONDS", "30"))
# The capped row count of catalog and guide lists is kept this long, keyed by the same content
# version, so a publication changes it at once (portal.pagination). 0 switches it off.
LIST_COUNT_CACHE_SECONDS = int(os.environ.get("LIST_COUNT_CACHE_SECONDS", "600"))
# Public forms: submissions per IP and per phone number (django-ratelimit syntax, e.g. "10/h").
PUBLIC_FORM_RATES = {
    "ip": os.environ.get("PUBLIC_FORM_RATE_IP", "20/h"),
    "phone": os.environ.get("PUBLIC_FORM_RATE_PHONE", "5/h"),
}
# Load tests may switch the anti-bot check off (PUBLIC_FORM_CAPTCHA_OFF=1) for requests from
# 127.0.0.1.
PUBLIC_FORM_CAPTCHA = not env_bool("PUBLIC_FORM_CAPTCHA_OFF", False)
# The anti-bot check (portal/captcha.py): the browser tries on average half this many SHA-256
# hashes (about a second on a phone), and a challenge is good this many seconds.
CAPTCHA_MAX_NUMBER = int(os.environ.get("CAPTCHA_MAX_NUMBER", "50000"))
CAPTCHA_EXPIRES_SECONDS = int(os.environ.get("CAPTCHA_EXPIRES_SECONDS", "1200"))
# 政民互动 (complaints): how a message's reply deadline is counted: "natural" = 24 clock hours,
# "working" = 24 hours counted on working days only (portal.workdays). Stored per message at
# receipt, so changing it never rewrites existing deadlines (complaints.models.reply_deadline).
MESSAGE_REPLY_RULE = os.environ.get("MESSAGE_REPLY_RULE", "natural")
if MESSAGE_REPLY_RULE not in {"natural", "working"}:
    raise ImproperlyConfigured("MESSAGE_REPLY_RULE must be 'natural' or 'working'.")

# Open data API (/api/v1/, the api app): requests per IP (django-ratelimit syntax), how long
# anonymous answers of the catalog and guides stay cached under the content version, and the
# directory of the daily bulk downloads (CSV, JSON Lines) under MEDIA_ROOT.
API_RATE = os.environ.get("API_RATE", "120/m")
API_CACHE_SECONDS = int(os.environ.get("API_CACHE_SECONDS", "60"))
OPEN_DATA_DIR = "opendata"
# CORS (django-cors-headers): any site may read the API from a browser, with GET only.
CORS_URLS_REGEX = r"^/api/v1/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After"]
CORS_PREFLIGHT_MAX_AGE = 86400

# --------------------------------------------------------------------------------------------
# LOGGING
# --------------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Log lines never carry ID numbers or phone numbers (portal.masking).
    "filters": {"mask_personal_data": {"()": "portal.log_masking.MaskPersonalDataFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.request": {"level": "ERROR"}, "jieba": {"level": "WARNING"}},
}

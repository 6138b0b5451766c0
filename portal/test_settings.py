"""Test settings: the production module with only what tests need changed."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-key-not-for-production-use-0123456789abcdef")
# Fixed test keys for personal data at rest (portal/crypto.py); never used outside tests.
os.environ.setdefault("PII_KEYS", "test1:dGVzdC1vbmx5LXBpaS1rZXktMzItYnl0ZXMtbG9uZyE=")
os.environ.setdefault("PII_KEY_ID", "test1")
os.environ.setdefault("PII_HASH_KEY", "dGVzdC1vbmx5LXBpaS1oYXNoLWtleS0zMi1ieXRlcyEh")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PUBLIC_PAGE_CACHE_SECONDS = 0  # tests that want the page cache switch it on
LIST_COUNT_CACHE_SECONDS = 0  # likewise the cached list counts
CAPTCHA_MAX_NUMBER = 500  # tests solve real challenges (tests.captcha.solved_captcha): cheaply
AXES_ENABLED = True
STAFF_OTP_REQUIRED = False  # tests of two-factor switch it on
CITIZEN_SMS_BACKEND = "portal.notify.LocmemSMSBackend"  # texts land in portal.notify.sms_outbox

"""The anti-bot check of citizen forms: an ALTCHA proof of work, solved by the visitor's browser.

The server hands out a challenge signed with a key derived from SECRET_KEY (`new_challenge`);
static/js/captcha.js finds the number whose SHA-256 with the salt matches and puts the solution
into the form's hidden `captcha` input; `check_solution` verifies the signature and the expiry and
accepts each solution once (the signatures seen are kept in the shared cache until they expire).
Nothing is drawn, nothing is typed: a keyboard or screen-reader user only waits for a second.
"""

import base64
import binascii
import hashlib
import json
import time
from datetime import timedelta

import altcha
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone

# A solution is a base64 JSON object of five short strings; anything longer is not one.
MAX_PAYLOAD_LENGTH = 1000
USED_KEY = "captcha:used:{}"
MISSING_SOLUTION = (
    "人机验证未完成：请等待页面提示“人机验证已完成”后再提交；"
    "如浏览器禁用了 JavaScript，请启用后刷新页面"
)


def hmac_key():
    """The signing key, derived from SECRET_KEY so that no second secret has to be configured."""
    return hashlib.sha256(f"portal.captcha:{settings.SECRET_KEY}".encode()).hexdigest()


def new_challenge():
    """A fresh challenge as the browser script reads it (algorithm, challenge, maxNumber, salt,
    signature); it expires after settings.CAPTCHA_EXPIRES_SECONDS."""
    challenge = altcha.create_challenge_v1(
        hmac_key=hmac_key(),
        max_number=settings.CAPTCHA_MAX_NUMBER,
        expires=timezone.now() + timedelta(seconds=settings.CAPTCHA_EXPIRES_SECONDS),
    )
    return challenge.to_dict()


def _decode(payload):
    if not payload or len(payload) > MAX_PAYLOAD_LENGTH:
        return None
    try:
        data = json.loads(base64.b64decode(payload, validate=True).decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    fields = ("algorithm", "challenge", "number", "salt", "signature")
    if not isinstance(data, dict) or not all(name in data for name in fields):
        return None
    if not all(isinstance(data[name], str) for name in fields if name != "number"):
        return None
    if not isinstance(data["number"], int) or isinstance(data["number"], bool):
        return None
    return data


def _expires_at(salt):
    """The expiry written into the salt (`…?expires=<unix time>&`), or None."""
    _, _, query = salt.partition("?")
    for part in query.split("&"):
        name, _, value = part.partition("=")
        if name == "expires" and value.isdigit():
            return int(value)
    return None


def check_solution(payload):
    """Accept a solution of one of our challenges once, before it expires; else a Chinese error."""
    data = _decode(payload)
    if data is None:
        raise ValidationError(MISSING_SOLUTION, code="missing")
    expires = _expires_at(data["salt"])
    if expires is None:
        raise ValidationError("人机验证未通过，请刷新页面后重试", code="invalid")
    if expires < time.time():
        raise ValidationError("人机验证已过期，请重新提交（页面会自动重新验证）", code="expired")
    verified, _ = altcha.verify_solution_v1(data, hmac_key(), check_expires=True)
    if not verified:
        raise ValidationError("人机验证未通过，请刷新页面后重试", code="invalid")
    # One use per solution: the first form to present it wins, any replay is refused.
    timeout = max(int(expires - time.time()) + 60, 60)
    if not cache.add(USED_KEY.format(data["signature"]), True, timeout=timeout):
        raise ValidationError(
            "该人机验证已使用过，请重新提交（页面会自动重新验证）", code="replayed"
        )
    return payload

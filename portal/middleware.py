"""Staff sessions: the admin only from the bureau's own networks, expiry after a period without
activity (等保: 30 minutes idle by default), and the two-factor step (authenticator app or
passkey) before the admin for the roles that publish."""

import ipaddress
import time
from functools import cached_property

from django.conf import settings
from django.contrib.auth import logout
from django.core import signing
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django_otp import user_has_device

ACTIVITY_COOKIE = "staff_activity"
ACTIVITY_SALT = "portal.middleware.staff-activity"
LOGIN_AT_KEY = "_staff_login_at"


def admin_networks():
    """Return the networks the admin may be reached from (ADMIN_ALLOWED_NETWORKS; empty: any)."""
    return [ipaddress.ip_network(cidr, strict=False) for cidr in settings.ADMIN_ALLOWED_NETWORKS]


def is_admin_address(address):
    """Return whether a visitor's address may open the admin."""
    networks = admin_networks()
    if not networks:
        return True
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip in network for network in networks)


class AdminNetworkMiddleware:
    """Refuse the admin (login included) to addresses outside ADMIN_ALLOWED_NETWORKS (等保 8.1.4
    access control: management only from the management network), with a Chinese page.

    The address is REMOTE_ADDR as Django sees it (`portal.audit.client_ip`): behind a reverse
    proxy, the proxy must set it from the real client (gunicorn --forwarded-allow-ips, see
    README), never from a header the client can write.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def prefix(self):
        return reverse("admin:index")

    def __call__(self, request):
        from .audit import client_ip  # audit imports this module

        if request.path_info.startswith(self.prefix) and not is_admin_address(client_ip(request)):
            return render(request, "portal/admin_network_refused.html", status=403)
        return self.get_response(request)


def start_idle_clock(request):
    """Stamp the login time in the session (saved by login() anyway: no extra write)."""
    if hasattr(request, "session"):
        request.session[LOGIN_AT_KEY] = int(time.time())


def last_activity(request):
    """Return the time of the user's last request, or None when nothing is known."""
    seen = 0
    try:
        pk, stamp = (
            signing.Signer(salt=ACTIVITY_SALT)
            .unsign(request.COOKIES.get(ACTIVITY_COOKIE, ""))
            .split(":")
        )
        if pk == str(request.user.pk):
            seen = int(stamp)
    except (signing.BadSignature, ValueError):
        pass
    seen = max(seen, request.session.get(LOGIN_AT_KEY) or 0)
    return seen or None


class StaffIdleTimeoutMiddleware:
    """Log out a staff user whose last request is older than STAFF_SESSION_IDLE_SECONDS.

    The time of the last request travels in a signed cookie rather than in the session, so keeping
    the clock costs no database write on any request; the login time in the session bounds it
    when the cookie is missing or belongs to an earlier login. Anonymous visitors are left alone:
    public pages stay session- and cookie-free.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        now = int(time.time())
        if self.is_staff(request):
            last = last_activity(request)
            if last is not None and now - last > settings.STAFF_SESSION_IDLE_SECONDS:
                from .audit import record

                record(
                    "idle_timeout", user=request.user, request=request, detail="闲置超过规定时间"
                )
                request._audit_logout_recorded = True
                logout(request)
        response = self.get_response(request)
        if self.is_staff(request):
            response.set_cookie(
                ACTIVITY_COOKIE,
                signing.Signer(salt=ACTIVITY_SALT).sign(f"{request.user.pk}:{now}"),
                max_age=settings.SESSION_COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        elif ACTIVITY_COOKIE in request.COOKIES:
            response.delete_cookie(ACTIVITY_COOKIE, samesite="Lax")
        return response

    @staticmethod
    def is_staff(request):
        user = getattr(request, "user", None)
        return user is not None and user.is_authenticated and user.is_staff


OTP_DEVICE_KEY = "_staff_has_otp_device"


def has_two_factor_device(request, *, user=None, refresh=False):
    """Whether the logged-in user has a confirmed second factor (an authenticator app or a
    passkey); looked up at login (stored in the session, which login() saves anyway) rather than
    on every admin request."""
    if refresh or OTP_DEVICE_KEY not in request.session:
        request.session[OTP_DEVICE_KEY] = user_has_device(user or request.user, confirmed=True)
    return request.session[OTP_DEVICE_KEY]


class StaffTwoFactorMiddleware:
    """Ask staff for their second factor before the admin (after django_otp's OTPMiddleware).

    A staff member who enrolled an authenticator app or a passkey verifies once per login, and
    until then reaches only the verify page and its passkey ceremony: not the 两步验证 page,
    where a new factor could be added without the old one. One whose role publishes
    (`User.must_use_two_factor()`) and has no factor yet is sent to enrol first. Logout and the
    admin's JavaScript catalogue stay reachable.
    """

    VERIFY_URL_NAMES = {
        "otp-verify",
        "passkey-auth-begin",
        "passkey-auth-complete",
        "logout",
        "jsi18n",
        "login",
    }
    ENROL_URL_NAMES = {
        "otp-enrol",
        "passkey-register-begin",
        "passkey-register-complete",
        "passkey-remove",
    }
    OPEN_URL_NAMES = VERIFY_URL_NAMES | ENROL_URL_NAMES

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        redirect_to = self.redirect_for(request)
        if redirect_to:
            return redirect(f"{redirect_to}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    def redirect_for(self, request):
        user = getattr(request, "user", None)
        if not (user and user.is_authenticated and user.is_staff) or user.is_verified():
            return None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        if match.namespace != "admin":
            return None
        if has_two_factor_device(request):
            return None if match.url_name in self.VERIFY_URL_NAMES else reverse("admin:otp-verify")
        if match.url_name in self.OPEN_URL_NAMES:
            return None
        if user.must_use_two_factor():
            return reverse("admin:otp-enrol")
        return None


class PasswordExpiryMiddleware:
    """Send staff whose password is older than PASSWORD_MAX_AGE_DAYS to the password change page
    before any other admin page (等保 8.1.4.1: passwords changed periodically)."""

    OPEN_URL_NAMES = {"password_change", "password_change_done", "logout", "jsi18n", "login"}
    OPEN_URL_NAMES |= StaffTwoFactorMiddleware.OPEN_URL_NAMES

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user and user.is_authenticated and user.is_staff and user.is_password_expired():
            try:
                match = resolve(request.path_info)
            except Resolver404:
                match = None
            if match and match.namespace == "admin" and match.url_name not in self.OPEN_URL_NAMES:
                from django.contrib import messages

                messages.warning(
                    request,
                    f"您的密码已使用超过 {settings.PASSWORD_MAX_AGE_DAYS} 天，"
                    "请先修改密码再继续工作。",
                )
                return redirect("admin:password_change")
        return self.get_response(request)

"""Staff sessions end after a period without activity (等保: 30 minutes idle by default)."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.core import signing

ACTIVITY_COOKIE = "staff_activity"
ACTIVITY_SALT = "portal.middleware.staff-activity"
LOGIN_AT_KEY = "_staff_login_at"


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

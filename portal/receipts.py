"""The receipt a citizen sees once after submitting, and the cases their session has unlocked.

A 留言 or a 依申请公开 application gets a tracking number and a 查询码 (portal.querycodes). The
submitting view stores both in the session (`store_receipt`); the receipt page shows the 查询码 on
its first view only (`pop_receipt`). The receipt, or a lookup by number and 查询码
(`portal.forms.TrackingLookupForm`), unlocks the case for the session (`remember_unlocked`), and
the status pages open only unlocked cases (`is_unlocked`).

Each kind of case has its own session keys, so the number of a message never opens an application.
"""

import time

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect
from django.utils.http import http_date

# model label -> (the receipt: number and 查询码 in clear, the numbers the visitor has unlocked)
SESSION_KEYS = {
    "complaints.message": ("complaints:receipt", "complaints:verified"),
    "disclosure.informationrequest": ("disclosure:request-receipt", "disclosure:request-verified"),
}
UNLOCKED_LIMIT = 10  # the session remembers this many cases, the latest first


def _keys(model):
    return SESSION_KEYS[model._meta.label_lower]


def store_receipt(request, record, query_code):
    """Keep record's number and 查询码 in the session until its receipt page has shown them.

    Call it inside the transaction that stores the record: the session is saved at once, in that
    transaction, so the record and its receipt commit together or not at all. Left to
    SessionMiddleware, the session was written after the commit, and a database failing in
    between kept the record while the citizen saw the error page
    (tests/portal/test_crash_restart.py). Answer with `receipt_redirect()`, which sends the
    session cookie itself.
    """
    receipt_key, _ = _keys(record)
    request.session[receipt_key] = {
        "tracking_number": record.tracking_number,
        "query_code": query_code,
    }
    request.session.save()
    request.session.modified = False  # saved: nothing left for SessionMiddleware to write


def receipt_redirect(request, url_name, tracking_number):
    """Redirect to the receipt page with the session cookie, set as SessionMiddleware sets it."""
    response = redirect(url_name, tracking_number)
    session = request.session
    if session.get_expire_at_browser_close():
        max_age = expires = None
    else:
        max_age = session.get_expiry_age()
        expires = http_date(time.time() + max_age)
    response.set_cookie(
        settings.SESSION_COOKIE_NAME,
        session.session_key,
        max_age=max_age,
        expires=expires,
        domain=settings.SESSION_COOKIE_DOMAIN,
        path=settings.SESSION_COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE or None,
        httponly=settings.SESSION_COOKIE_HTTPONLY or None,
        samesite=settings.SESSION_COOKIE_SAMESITE,
    )
    return response


def pop_receipt(request, model, tracking_number):
    """Return the 查询码 on the first view of the receipt (None on later views) and unlock the case.

    Raise Http404 unless this session submitted tracking_number.
    """
    receipt_key, _ = _keys(model)
    receipt = request.session.get(receipt_key) or {}
    if receipt.get("tracking_number") != tracking_number:
        raise Http404("没有找到该回执")
    query_code = receipt.pop("query_code", None)
    request.session[receipt_key] = receipt
    remember_unlocked(request, model, tracking_number)
    return query_code


def remember_unlocked(request, model, tracking_number):
    """Let this session open the case tracking_number of model (after its receipt or a lookup)."""
    _, unlocked_key = _keys(model)
    unlocked = [n for n in request.session.get(unlocked_key, []) if n != tracking_number]
    request.session[unlocked_key] = [tracking_number, *unlocked][:UNLOCKED_LIMIT]


def is_unlocked(request, model, tracking_number):
    """Return whether this session has unlocked the case tracking_number of model."""
    _, unlocked_key = _keys(model)
    return tracking_number in request.session.get(unlocked_key, [])

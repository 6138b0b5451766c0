"""The receipt a citizen sees once after submitting, and the cases their session has unlocked.

A 留言 or a 依申请公开 application gets a tracking number and a 查询码 (portal.querycodes). The
submitting view stores both in the session (`store_receipt`); the receipt page shows the 查询码 on
its first view only (`pop_receipt`). The receipt, or a lookup by number and 查询码
(`portal.forms.TrackingLookupForm`), unlocks the case for the session (`remember_unlocked`), and
the status pages open only unlocked cases (`is_unlocked`).

Each kind of case has its own session keys, so the number of a message never opens an application.
"""

from django.http import Http404

# model label -> (the receipt: number and 查询码 in clear, the numbers the visitor has unlocked)
SESSION_KEYS = {
    "complaints.message": ("complaints:receipt", "complaints:verified"),
    "disclosure.informationrequest": ("disclosure:request-receipt", "disclosure:request-verified"),
}
UNLOCKED_LIMIT = 10  # the session remembers this many cases, the latest first


def _keys(model):
    return SESSION_KEYS[model._meta.label_lower]


def store_receipt(request, record, query_code):
    """Keep record's number and 查询码 in the session until its receipt page has shown them."""
    receipt_key, _ = _keys(record)
    request.session[receipt_key] = {
        "tracking_number": record.tracking_number,
        "query_code": query_code,
    }


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

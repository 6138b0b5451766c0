"""Public pages of 政民互动: write, look up, rate, read published messages, statistics."""

from datetime import date

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from portal.forms import public_form_limits
from portal.pagination import paginate

from .filters import MessageFilter
from .forms import LookupForm, MessageForm, RatingForm
from .models import ComplaintAgency, Message, month_bounds, recent_months

RECEIPT_SESSION_KEY = "complaints:receipt"  # the 查询码 in clear, shown once on the receipt
LOOKUP_SESSION_KEY = "complaints:verified"  # tracking numbers the visitor has unlocked
PER_PAGE = 20


def client_ip(request):
    return request.META.get("REMOTE_ADDR") or None


def this_month_figures(now=None):
    """Return this month's figures for all messages (one aggregate query)."""
    start, end = month_bounds(timezone.localdate(now))
    return Message.objects.received_in(start, end).figures()


def index(request):
    """政民互动 landing page: how to write, the figures, the latest replies, where to complain."""
    context = {
        "figures": this_month_figures(),
        "latest": Message.objects.public().for_public_list()[:8],
        "agencies": ComplaintAgency.objects.active(),
    }
    return render(request, "complaints/index.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@public_form_limits("message", phone_field="sender_phone")
def message_create(request):
    form = MessageForm(request.POST or None, initial=correction_initial(request))
    if form.is_valid():
        submission = form.save(ip=client_ip(request))
        # Committed (submit_message is atomic) before the receipt is shown.
        request.session[RECEIPT_SESSION_KEY] = {
            "tracking_number": submission.message.tracking_number,
            "query_code": submission.query_code,
        }
        return redirect("complaints:message-receipt", submission.message.tracking_number)
    return render(
        request,
        "complaints/message_form.html",
        {"form": form, "agencies": ComplaintAgency.objects.active()},
    )


def correction_initial(request):
    """网站纠错 links on every page pass ?kind=site_error&page=<path>: start the form with them."""
    if request.GET.get("kind") != Message.Kind.SITE_ERROR:
        return {}
    page = request.GET.get("page", "")[:200]
    initial = {"kind": Message.Kind.SITE_ERROR}
    if page.startswith("/") and not page.startswith("//"):
        initial["body"] = f"出错的页面：{request.build_absolute_uri(page)}\n问题描述："
    return initial


@never_cache
def message_receipt(request, tracking_number):
    """The 受理回执: the 查询码 is shown on the first view only."""
    receipt = request.session.get(RECEIPT_SESSION_KEY) or {}
    if receipt.get("tracking_number") != tracking_number:
        raise Http404("没有找到该回执")
    query_code = receipt.pop("query_code", None)
    request.session[RECEIPT_SESSION_KEY] = receipt
    message = get_object_or_404(
        Message.objects.select_related("category"), tracking_number=tracking_number
    )
    _remember(request, tracking_number)
    return render(
        request, "complaints/message_receipt.html", {"message": message, "query_code": query_code}
    )


def _remember(request, tracking_number):
    verified = [n for n in request.session.get(LOOKUP_SESSION_KEY, []) if n != tracking_number]
    request.session[LOOKUP_SESSION_KEY] = [tracking_number, *verified][:10]


@never_cache
@require_http_methods(["GET", "POST"])
@public_form_limits("message-lookup", phone_field="")
def message_lookup(request):
    form = LookupForm(request.POST or None)
    if form.is_valid():
        _remember(request, form.message.tracking_number)
        return redirect("complaints:message-status", form.message.tracking_number)
    return render(request, "complaints/message_lookup.html", {"form": form})


def _verified_message(request, tracking_number):
    if tracking_number not in request.session.get(LOOKUP_SESSION_KEY, []):
        return None
    return get_object_or_404(
        Message.objects.select_related("category", "department"), tracking_number=tracking_number
    )


@never_cache
def message_status(request, tracking_number):
    """The sender's own view: status, timeline, reply (published or not), rating."""
    message = _verified_message(request, tracking_number)
    if message is None:
        return redirect("complaints:message-lookup")
    return render(request, "complaints/message_status.html", _status_context(message, RatingForm()))


def _status_context(message, rating_form):
    return {
        "message": message,
        "events": message.events.for_sender(),
        "rating_form": rating_form,
        "can_rate": message.can("rate") and not message.has_rated_reply(),
    }


@require_POST
@public_form_limits("message-rate", phone_field="")
def message_rate(request, tracking_number):
    message = _verified_message(request, tracking_number)
    if message is None:
        return redirect("complaints:message-lookup")
    form = RatingForm(request.POST)
    if form.is_valid() and message.can("rate") and not message.has_rated_reply():
        message.rate(rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"])
        return redirect("complaints:message-status", tracking_number)
    return render(
        request, "complaints/message_status.html", _status_context(message, form), status=400
    )


def message_list(request):
    """Published messages with filters and a simple search."""
    messages = Message.objects.public().for_public_list()
    filterset = MessageFilter(request.GET or None, queryset=messages)
    page = paginate(request, filterset.qs if filterset.is_bound else messages, PER_PAGE)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filter": filterset, "page_obj": page, "query_string": query.urlencode()}
    return render(request, "complaints/message_list.html", context)


def message_detail(request, tracking_number):
    message = get_object_or_404(
        Message.objects.public().for_public_list(), tracking_number=tracking_number
    )
    return render(request, "complaints/message_detail.html", {"message": message})


def statistics(request):
    """Public monthly summary: figures by type, category and department, and the last 12 months."""
    months = recent_months(timezone.localdate())
    month = _parse_month(request.GET.get("month"), months) or months[0]
    start, end = month_bounds(month)
    received = Message.objects.received_in(start, end)
    context = {
        "month": month,
        "months": months,
        "total": received.figures(),
        "by_kind": received.figures_by("kind"),
        "by_category": received.figures_by("category"),
        "by_department": received.figures_by("department"),
        "monthly": Message.objects.received_in(
            month_bounds(months[-1])[0], month_bounds(months[0])[1]
        ).monthly_figures(),
    }
    return render(request, "complaints/statistics.html", context)


def _parse_month(value, allowed):
    """Return the month written as YYYY-MM if it is one of allowed, else None."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        chosen = date(year, month, 1)
    except ValueError:
        return None
    return chosen if chosen in allowed else None

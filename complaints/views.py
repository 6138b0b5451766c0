"""Public pages of 政民互动: messages (write, look up, rate, read, statistics), 征求意见 and
网上评议."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from portal import receipts
from portal.audit import client_ip
from portal.figures import local_bounds, month_bounds, next_month, parse_month, recent_months
from portal.forms import post_or_redirect, public_form_limits
from portal.pagination import paginate
from portal.uploads import attachment_response

from .filters import MessageFilter
from .forms import CommentForm, EvaluationForm, LookupForm, MessageForm, RatingForm
from .models import (
    ComplaintAgency,
    Consultation,
    ConsultationFile,
    EvaluationRound,
    Message,
    MessageCategory,
)

PER_PAGE = 20


def this_month_figures(now=None):
    """Return this month's figures for all messages (one aggregate query)."""
    start, end = month_bounds(timezone.localdate(now))
    return Message.objects.received_in(start, end).figures()


def index(request):
    """政民互动 landing page: how to write, the figures, the latest replies, where to complain."""
    context = {
        "figures": this_month_figures(),
        "latest": Message.objects.public().latest_replies()[:8],
        "agencies": ComplaintAgency.objects.active(),
        "consultations": Consultation.objects.open().select_related("department")[:5],
        "rounds": EvaluationRound.objects.open(),
    }
    return render(request, "complaints/index.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@public_form_limits("message", phone_field="sender_phone")
def message_create(request):
    form = MessageForm(
        request.POST or None, request.FILES or None, initial=correction_initial(request)
    )
    if form.is_valid():
        # The message and its receipt commit together (portal.receipts.store_receipt).
        with transaction.atomic():
            submission = form.save(ip=client_ip(request))
            receipts.store_receipt(request, submission.message, submission.query_code)
        number = submission.message.tracking_number
        return receipts.receipt_redirect(request, "complaints:message-receipt", number)
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
    # The topic category of the same name, when the office keeps one (it routes to the web team).
    category = MessageCategory.objects.filter(
        is_active=True, name=Message.Kind.SITE_ERROR.label
    ).first()
    if category is not None:
        initial["category"] = category.pk
    if page.startswith("/") and not page.startswith("//"):
        initial["body"] = f"出错的页面：{request.build_absolute_uri(page)}\n问题描述："
    return initial


@never_cache
def message_receipt(request, tracking_number):
    """The 受理回执: the 查询码 is shown on the first view only."""
    query_code = receipts.pop_receipt(request, Message, tracking_number)
    message = get_object_or_404(
        Message.objects.select_related("category"), tracking_number=tracking_number
    )
    return render(
        request, "complaints/message_receipt.html", {"message": message, "query_code": query_code}
    )


@never_cache
@require_http_methods(["GET", "POST"])
@public_form_limits("message-lookup", phone_field="")
def message_lookup(request):
    form = LookupForm(request.POST or None)
    if form.is_valid():
        receipts.remember_unlocked(request, Message, form.record.tracking_number)
        return redirect("complaints:message-status", form.record.tracking_number)
    return render(request, "complaints/message_lookup.html", {"form": form})


def _verified_message(request, tracking_number):
    if not receipts.is_unlocked(request, Message, tracking_number):
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


@post_or_redirect("complaints:message-status")
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
    chosen = parse_month(request.GET.get("month"))
    month = chosen if chosen in months else months[0]
    start, end = month_bounds(month)
    received = Message.objects.received_in(start, end)
    context = {
        "month": month,
        "months": months,
        "total": received.figures(),
        "overdue_count": Message.objects.overdue().count(),
        "now": timezone.now(),
        "by_kind": received.figures_by("kind"),
        "by_category": received.figures_by("category"),
        "by_department": received.figures_by("department"),
        "monthly": Message.objects.received_in(
            *local_bounds(months[-1], next_month(months[0]))
        ).monthly_figures(),
    }
    return render(request, "complaints/statistics.html", context)


# 征求意见 ----------------------------------------------------------------------------------
COMMENT_DONE_SESSION_KEY = "complaints:comment-done"


def consultation_list(request):
    """Published consultations, newest first, optionally in one phase (预告/征集中/…)."""
    consultations = Consultation.objects.public().for_public_list()
    phase = request.GET.get("phase", "")
    if phase in Consultation.Phase.values:
        consultations = consultations.in_phase(phase)
    else:
        phase = ""
    page = paginate(request, consultations, PER_PAGE)
    context = {
        "page_obj": page,
        "phases": Consultation.Phase.choices,
        "phase": phase,
        "query_string": f"phase={phase}" if phase else "",
    }
    return render(request, "complaints/consultation_list.html", context)


def consultation_context(consultation, form):
    """Return the consultation page's context (also the admin's 预览 of a draft)."""
    articles, general_comments = consultation.public_comments_by_article()
    return {
        "consultation": consultation,
        "articles": articles,
        "general_comments": general_comments,
        "files": consultation.files.all(),
        "figures": consultation.adoption_figures() if consultation.has_feedback() else None,
        "form": form,
    }


@never_cache
def consultation_detail(request, pk):
    """The draft article by article, the public comments, and the comment form while open."""
    consultation = get_object_or_404(
        Consultation.objects.public().select_related("department", "final_item"), pk=pk
    )
    form = None
    if consultation.is_open():
        initial = {}
        article = request.GET.get("article", "")
        if article.isdigit():
            initial["article"] = int(article)
        form = CommentForm(initial=initial, consultation=consultation)
    context = consultation_context(consultation, form)
    return render(request, "complaints/consultation_detail.html", context)


@never_cache
@post_or_redirect("complaints:consultation-detail")
@public_form_limits("consultation-comment", phone_field="sender_phone")
def consultation_comment(request, pk):
    consultation = get_object_or_404(
        Consultation.objects.public().select_related("department", "final_item"), pk=pk
    )
    form = CommentForm(request.POST, consultation=consultation)
    if form.is_valid():
        try:
            comment = form.save(ip=client_ip(request))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            request.session[COMMENT_DONE_SESSION_KEY] = comment.pk
            return redirect("complaints:consultation-comment-done", consultation.pk)
    context = consultation_context(consultation, form)
    return render(request, "complaints/consultation_detail.html", context, status=400)


@never_cache
def consultation_comment_done(request, pk):
    consultation = get_object_or_404(Consultation.objects.public(), pk=pk)
    comment_pk = request.session.get(COMMENT_DONE_SESSION_KEY)
    comment = consultation.comments.select_related("article").filter(pk=comment_pk).first()
    if comment is None:
        return redirect(consultation)
    return render(
        request,
        "complaints/consultation_comment_done.html",
        {"consultation": consultation, "comment": comment},
    )


def consultation_feedback(request, pk):
    """The published 采纳情况: the summary, the counts and the decision on every public comment."""
    consultation = get_object_or_404(
        Consultation.objects.public()
        .filter(feedback_published_at__isnull=False)
        .select_related("department", "final_item"),
        pk=pk,
    )
    return render(
        request,
        "complaints/consultation_feedback.html",
        {
            "consultation": consultation,
            "figures": consultation.adoption_figures(),
            "comments": consultation.comments.for_public_list(),
        },
    )


def consultation_file(request, pk, file_pk):
    attachment = get_object_or_404(
        ConsultationFile.objects.filter(consultation__in=Consultation.objects.public()),
        consultation_id=pk,
        pk=file_pk,
    )
    return attachment_response(attachment)


# 网上评议 ----------------------------------------------------------------------------------
EVALUATION_DONE_SESSION_KEY = "complaints:evaluation-done"


def evaluation_list(request):
    rounds = EvaluationRound.objects.for_public_list()
    return render(request, "complaints/evaluation_list.html", {"rounds": rounds})


@never_cache
@require_http_methods(["GET", "POST"])
@public_form_limits("evaluation", phone_field="phone")
def evaluation_detail(request, pk):
    """The questionnaire while the round is open; before and after, what the citizen can do."""
    round = get_object_or_404(EvaluationRound.objects.public(), pk=pk)
    form = None
    if round.is_open():
        form = EvaluationForm(request.POST or None, round=round)
        if form.is_valid():
            try:
                form.save(ip=client_ip(request))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                request.session[EVALUATION_DONE_SESSION_KEY] = round.pk
                return redirect("complaints:evaluation-done", round.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "complaints/evaluation_detail.html", {"round": round, "form": form}, status=status
    )


@never_cache
def evaluation_done(request, pk):
    round = get_object_or_404(EvaluationRound.objects.public(), pk=pk)
    if request.session.get(EVALUATION_DONE_SESSION_KEY) != round.pk:
        return redirect(round)
    return render(request, "complaints/evaluation_done.html", {"round": round})


def evaluation_results(request, pk):
    """Results per subject, public once the round has closed."""
    round = get_object_or_404(EvaluationRound.objects.public(), pk=pk)
    context = {"round": round}
    if round.has_public_results():
        context["results"] = round.results()
        context["comments"] = round.responses.public_comments()[:50]
        context["response_count"] = round.responses.count()
    return render(request, "complaints/evaluation_results.html", context)

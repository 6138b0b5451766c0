"""Public pages of 依申请公开: apply, receipt, look up, letters, files, annual reports."""

from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from portal import receipts
from portal.audit import client_ip
from portal.forms import post_or_redirect, public_form_limits
from portal.uploads import attachment_response

from .. import annual_report
from ..forms import LookupForm, RequestForm, WithdrawForm
from ..models import AnnualReport, InformationRequest, LetterTemplate
from ..services import render_letter_pdf


@never_cache
@require_http_methods(["GET", "POST"])
@public_form_limits("request")
def request_form(request):
    """政府信息公开申请: the online form."""
    form = RequestForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        # The application and its receipt commit together (portal.receipts.store_receipt).
        with transaction.atomic():
            submission = form.save(ip=client_ip(request))
            receipts.store_receipt(request, submission.info_request, submission.query_code)
        number = submission.info_request.tracking_number
        return receipts.receipt_redirect(request, "disclosure:request-receipt", number)
    return render(request, "disclosure/request_form.html", {"form": form})


@never_cache
def request_receipt(request, tracking_number):
    """The receipt: the 查询码 is shown on the first view only."""
    query_code = receipts.pop_receipt(request, InformationRequest, tracking_number)
    info_request = get_object_or_404(InformationRequest, tracking_number=tracking_number)
    return render(
        request,
        "disclosure/request_receipt.html",
        {"info_request": info_request, "query_code": query_code},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@public_form_limits("request-lookup", phone_field="")
def request_lookup(request):
    form = LookupForm(request.POST or None)
    if form.is_valid():
        receipts.remember_unlocked(request, InformationRequest, form.record.tracking_number)
        return redirect("disclosure:request-status", form.record.tracking_number)
    return render(request, "disclosure/request_lookup.html", {"form": form})


def _verified_request(request, tracking_number):
    if not receipts.is_unlocked(request, InformationRequest, tracking_number):
        return None
    return get_object_or_404(InformationRequest, tracking_number=tracking_number)


@never_cache
def request_status(request, tracking_number):
    """The applicant's own view: status, dates with explanation, notices, reply, files."""
    info_request = _verified_request(request, tracking_number)
    if info_request is None:
        return redirect("disclosure:request-lookup")
    return render(
        request, "disclosure/request_status.html", _status_context(info_request, WithdrawForm())
    )


def _status_context(info_request, withdraw_form):
    return {
        "info_request": info_request,
        "events": info_request.events.for_applicant(),
        "letters": [letter for letter in info_request.letters.all() if letter.is_for_applicant()],
        "attachments": info_request.attachments.all(),
        "withdraw_form": withdraw_form,
        "can_withdraw": info_request.can("withdraw"),
    }


@post_or_redirect("disclosure:request-status")
@public_form_limits("request-withdraw", phone_field="")
def request_withdraw(request, tracking_number):
    info_request = _verified_request(request, tracking_number)
    if info_request is None:
        return redirect("disclosure:request-lookup")
    form = WithdrawForm(request.POST)
    if form.is_valid() and info_request.can("withdraw"):
        info_request.withdraw(by=None, reason=form.cleaned_data["reason"] or "申请人在网上撤回申请")
        return redirect("disclosure:request-status", tracking_number)
    return render(
        request,
        "disclosure/request_status.html",
        _status_context(info_request, form),
        status=400,
    )


@never_cache
def request_letter(request, tracking_number, pk):
    """A letter sent to the applicant, printable, or as PDF with ?format=pdf."""
    info_request = _verified_request(request, tracking_number)
    if info_request is None:
        return redirect("disclosure:request-lookup")
    letter = get_object_or_404(
        info_request.letters.exclude(kind=LetterTemplate.Kind.THIRD_PARTY), pk=pk
    )
    if request.GET.get("format") == "pdf":
        return pdf_download(
            render_letter_pdf(letter), f"{info_request.tracking_number}-{letter.kind}.pdf"
        )
    return render(
        request, "disclosure/letters/letter.html", {"letter": letter, "info_request": info_request}
    )


@never_cache
def request_attachment(request, tracking_number, pk):
    """A disclosed file, for the applicant who unlocked the request only."""
    info_request = _verified_request(request, tracking_number)
    if info_request is None:
        return redirect("disclosure:request-lookup")
    return attachment_response(get_object_or_404(info_request.attachments.all(), pk=pk))


def annual_report_list(request):
    reports = AnnualReport.objects.published().for_list()
    return render(request, "disclosure/annual_report_list.html", {"reports": reports})


def annual_report_detail(request, year, printable=False):
    """A published annual report: page, print layout (printable) or PDF (?format=pdf)."""
    report = get_object_or_404(AnnualReport.objects.published(), year=year)
    if request.GET.get("format") == "pdf":
        return pdf_download(annual_report.render_pdf(report), f"annual-report-{year}.pdf")
    template = (
        "disclosure/annual_report_print.html" if printable else "disclosure/annual_report.html"
    )
    return render(request, template, annual_report.context(report))


def pdf_download(content, filename):
    """Return PDF bytes as a download named filename."""
    return HttpResponse(
        content,
        content_type="application/pdf",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )

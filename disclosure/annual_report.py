"""The annual report (政府信息公开工作年度报告) in the format of 国办公开办函〔2021〕30号.

Section 二 counts the catalog, 三 the information requests (rows × applicant-type columns, with
the check 一 + 二 = 三 + 四), 四 the 行政复议/行政诉讼 register; 一, 五 and 六 are the office's
text on the AnnualReport row.
"""

from datetime import date, timedelta

from django.apps import apps
from django.db.models import Count, Q
from django.template.loader import render_to_string

from .models import AnnualReport, InformationRequest, RequestAppeal

ApplicantType = InformationRequest.ApplicantType
ReplyType = InformationRequest.ReplyType

COLUMNS = [
    ApplicantType.NATURAL_PERSON,
    ApplicantType.BUSINESS,
    ApplicantType.RESEARCH,
    ApplicantType.NONPROFIT,
    ApplicantType.LEGAL_SERVICE,
    ApplicantType.OTHER,
]

# Table 三: (group label or "", row code, row label). A group label heads its rows.
RESULT_ROWS = [
    ("", "1", "（一）予以公开"),
    ("", "2", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("（三）不予公开", "3.1", "1.属于国家秘密"),
    ("（三）不予公开", "3.2", "2.其他法律行政法规禁止公开"),
    ("（三）不予公开", "3.3", "3.危及“三安全一稳定”"),
    ("（三）不予公开", "3.4", "4.保护第三方合法权益"),
    ("（三）不予公开", "3.5", "5.属于三类内部事务信息"),
    ("（三）不予公开", "3.6", "6.属于四类过程性信息"),
    ("（三）不予公开", "3.7", "7.属于行政执法案卷"),
    ("（三）不予公开", "3.8", "8.属于行政查询事项"),
    ("（四）无法提供", "4.1", "1.本机关不掌握相关政府信息"),
    ("（四）无法提供", "4.2", "2.没有现成信息需要另行制作"),
    ("（四）无法提供", "4.3", "3.补正后申请内容仍不明确"),
    ("（五）不予处理", "5.1", "1.信访举报投诉类申请"),
    ("（五）不予处理", "5.2", "2.重复申请"),
    ("（五）不予处理", "5.3", "3.要求提供公开出版物"),
    ("（五）不予处理", "5.4", "4.无正当理由大量反复申请"),
    ("（五）不予处理", "5.5", "5.要求行政机关确认或重新出具已获取信息"),
    (
        "（六）其他处理",
        "6.1",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    ),
    (
        "（六）其他处理",
        "6.2",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    ),
    ("（六）其他处理", "6.3", "3.其他"),
]

# Section 二, Art. 20 (一): catalog columns of 规章 and 规范性文件.
DOCUMENT_COLUMNS = [("gz", "规章"), ("gfxwj", "行政规范性文件")]


def _by_type(queryset):
    """Return {applicant_type: count} plus "total" for queryset."""
    counts = dict(
        queryset.order_by()
        .values_list("applicant_type")
        .annotate(n=Count("pk"))
        .values_list("applicant_type", "n")
    )
    row = {column: counts.get(column, 0) for column in COLUMNS}
    row["total"] = sum(row.values())
    return row


def _cells(row):
    return [row[column] for column in COLUMNS] + [row["total"]]


def section_three(year):
    """Return table 三 for year: rows of cells per applicant type, and the check 一+二=三+四."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    requests = InformationRequest.objects.all()
    new = _by_type(requests.filter(received_on__gte=start, received_on__lte=end))
    carried_in = _by_type(requests.open_on(start - timedelta(days=1)))
    carried_out = _by_type(requests.open_on(end))
    concluded = (
        requests.concluded_between(start, end)
        .filter(received_on__isnull=False)
        .order_by()
        .values_list("reply_type", "applicant_type")
        .annotate(n=Count("pk"))
    )
    results = {code: dict.fromkeys([*COLUMNS, "total"], 0) for _, code, _ in RESULT_ROWS}
    for reply_type, applicant_type, n in concluded:
        results[reply_type][applicant_type] += n
        results[reply_type]["total"] += n
    total = {
        column: sum(results[code][column] for code in results) for column in [*COLUMNS, "total"]
    }
    rows, previous_group = [], None
    for group, code, label in RESULT_ROWS:
        span = (
            sum(1 for g, _, _ in RESULT_ROWS if g == group)
            if group and group != previous_group
            else 0
        )
        rows.append(
            {
                "group": group,
                "group_span": span,
                "code": code,
                "label": label,
                "cells": _cells(results[code]),
            }
        )
        previous_group = group
    balanced = {
        column: new[column] + carried_in[column] == total[column] + carried_out[column]
        for column in [*COLUMNS, "total"]
    }
    return {
        "columns": [ApplicantType(column).label for column in COLUMNS],
        "new": _cells(new),
        "carried_in": _cells(carried_in),
        "results": rows,
        "results_by_code": results,
        "total": _cells(total),
        "carried_out": _cells(carried_out),
        "is_balanced": all(balanced.values()),
        "raw": {"new": new, "carried_in": carried_in, "total": total, "carried_out": carried_out},
    }


def section_four(year):
    """Return table 四: 行政复议 and 行政诉讼 filed in year, by outcome at the year's end."""
    outcomes = [
        RequestAppeal.Outcome.UPHELD,
        RequestAppeal.Outcome.CORRECTED,
        RequestAppeal.Outcome.OTHER,
        RequestAppeal.Outcome.PENDING,
    ]
    table = {kind: dict.fromkeys(outcomes, 0) for kind in RequestAppeal.Kind}
    for appeal in RequestAppeal.objects.filter(filed_on__year=year).only(
        "kind", "outcome", "decided_on"
    ):
        table[appeal.kind][appeal.outcome_in(year)] += 1
    cells = []
    for kind in [
        RequestAppeal.Kind.REVIEW,
        RequestAppeal.Kind.LAWSUIT,
        RequestAppeal.Kind.LAWSUIT_AFTER_REVIEW,
    ]:
        values = [table[kind][outcome] for outcome in outcomes]
        cells += [*values, sum(values)]
    return {"cells": cells, "outcomes": [o.label for o in outcomes]}


def section_two(report):
    """Return section 二: documents made, repealed and in force from the catalog, plus the
    permits, penalties, enforcement and fees the office entered."""
    item_model = apps.get_model("disclosure", "Item")
    year = report.year
    end = date(year, 12, 31)
    ended = ["repealed", "expired"]
    rows = []
    for slug, label in DOCUMENT_COLUMNS:
        items = item_model.objects.published().filter(category__slug=slug)
        counts = items.aggregate(
            made=Count("pk", filter=Q(written_on__year=year)),
            repealed=Count("pk", filter=Q(validity__in=ended, validity_changed_on__year=year)),
            # In force at the year's end: made by then and not repealed or expired by then.
            in_force=Count(
                "pk",
                filter=Q(written_on__lte=end)
                & (~Q(validity__in=ended) | Q(validity_changed_on__gt=end)),
            ),
        )
        rows.append({"label": label, **counts})
    return {
        "documents": rows,
        "permits_count": report.permits_count,
        "penalties_count": report.penalties_count,
        "enforcement_count": report.enforcement_count,
        "fees_amount": report.fees_amount,
    }


def context(report: AnnualReport) -> dict:
    """Return everything the report's page, print layout and PDF show."""
    from portal.models import SiteSettings

    return {
        "report": report,
        "bureau": SiteSettings.load().bureau_name,
        "two": section_two(report),
        "three": section_three(report.year),
        "four": section_four(report.year),
    }


def render_pdf(report: AnnualReport) -> bytes:
    """Return the report as PDF, laid out like its print page."""
    from .services import render_pdf as html_to_pdf

    html = render_to_string(
        "disclosure/annual_report_print.html", {**context(report), "is_pdf": True}
    )
    return html_to_pdf(html)

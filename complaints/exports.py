"""Downloads of 政民互动 figures and records: the monthly message statistics (CSV), a
consultation's comments and an evaluation round's results (XLSX). Names and phones are masked:
exports leave the admin and get passed around."""

from django.db.models import F
from django.utils import timezone
from openpyxl import Workbook

from portal.exports import csv_response, xlsx_response
from portal.masking import mask_name, mask_phone

from .models import ASPECTS

CSV_HEADER = [
    "分组",
    "名称",
    "收到",
    "已答复",
    "答复率(%)",
    "按时答复",
    "按时答复率(%)",
    "平均答复用时(小时)",
    "最长答复用时(小时)",
    "评价数",
    "满意率(%)",
]


def _hours(value):
    return "" if value is None else round(value.total_seconds() / 3600, 1)


def _csv_row(group, label, row):
    return [
        group,
        label,
        row["received_count"],
        row["replied_count"],
        "" if row["reply_rate"] is None else row["reply_rate"],
        row["on_time_count"],
        "" if row["on_time_rate"] is None else row["on_time_rate"],
        _hours(row["average_reply_time"]),
        _hours(row["longest_reply_time"]),
        row["rated_count"],
        "" if row["satisfaction_rate"] is None else row["satisfaction_rate"],
    ]


def statistics_csv_response(month, total, tables):
    """Return a month's message figures, in total and by group, as a CSV download."""
    response, writer = csv_response(f"message-statistics-{month:%Y-%m}.csv")
    writer.writerow(CSV_HEADER)
    writer.writerow(_csv_row("合计", f"{month:%Y年%m月}", total))
    for group, rows in tables:
        for row in rows:
            writer.writerow(_csv_row(group, row["label"], row))
    return response


XLSX_HEADER = [
    "序号",
    "针对条文",
    "意见内容",
    "意见人",
    "联系电话",
    "提交时间",
    "审核状态",
    "采纳情况",
    "采纳情况说明",
]


def comments_workbook_response(consultation):
    """Return the comments of a consultation as an XLSX file: a summary sheet and every comment.

    Names and phone numbers are masked: exports leave the admin and get passed around.
    """
    workbook = Workbook()
    summary = workbook.active
    summary.title = "按条文统计"
    summary.append(["条文", "意见数", "待审核"])
    for row in consultation.comments.counts_by_article():
        summary.append([row["heading"], row["comment_count"], row["pending_count"]])
    sheet = workbook.create_sheet("全部意见")
    sheet.append(XLSX_HEADER)
    comments = consultation.comments.select_related("article").order_by(
        F("article__number").asc(nulls_first=True), "submitted_at", "pk"
    )
    for number, comment in enumerate(comments, start=1):
        sheet.append(
            [
                number,
                comment.target_label(),
                comment.body,
                mask_name(comment.sender_name),
                mask_phone(comment.sender_phone),
                timezone.localtime(comment.submitted_at).strftime("%Y-%m-%d %H:%M"),
                comment.get_status_display(),
                comment.get_adoption_display(),
                comment.adoption_reason,
            ]
        )
    for column, width in zip("ABCDEFGHI", [6, 12, 60, 10, 14, 18, 10, 10, 40], strict=True):
        sheet.column_dimensions[column].width = width
    return xlsx_response(workbook, f"consultation-{consultation.pk}-comments.xlsx")


def evaluation_workbook_response(round):
    """Return a round's results as an XLSX file: averages per subject, the score distribution of
    each subject and aspect, and every comment (phone numbers masked, review status given)."""
    results = round.results()
    workbook = Workbook()
    averages = workbook.active
    averages.title = "平均分"
    averages.append(
        [f"{round.title}（{round.opens_on:%Y年%m月%d日}至{round.closes_on:%Y年%m月%d日}）"]
    )
    labels = [label for _, label, _ in ASPECTS]
    averages.append(["评议对象", "类别", "参评人次", *labels, "综合平均分", "满意率（%）"])
    for row in results:
        averages.append(
            [
                row["subject"].name,
                row["subject"].get_kind_display(),
                row["answer_count"],
                *[aspect["average"] for aspect in row["aspects"]],
                row["overall"],
                row["satisfaction_rate"],
            ]
        )
    distribution = workbook.create_sheet("评分分布")
    distribution.append(["评议对象", "评议内容", "5分", "4分", "3分", "2分", "1分", "平均分"])
    for row in results:
        for aspect in row["aspects"]:
            distribution.append(
                [
                    row["subject"].name,
                    aspect["label"],
                    *[count for _, count in aspect["distribution"]],
                    aspect["average"],
                ]
            )
    comments = workbook.create_sheet("意见建议")
    comments.append(["提交时间", "手机号码", "意见建议", "审核状态"])
    for response in round.responses.exclude(comment="").order_by("submitted_at", "pk"):
        comments.append(
            [
                timezone.localtime(response.submitted_at).strftime("%Y-%m-%d %H:%M"),
                response.masked_phone,
                response.comment,
                response.get_comment_status_display(),
            ]
        )
    for sheet, widths in [
        (averages, {"A": 30, "B": 10}),
        (distribution, {"A": 30, "B": 12}),
        (comments, {"A": 18, "B": 14, "C": 60, "D": 10}),
    ]:
        for column, width in widths.items():
            sheet.column_dimensions[column].width = width
    return xlsx_response(workbook, f"evaluation-{round.pk}-results.xlsx")

"""Messages (咨询/建议/投诉/网站纠错), their numbering, deadline, transitions and event log.

A message's life: `submit_message()` (services.py) numbers it, stores its deadline and routes it to
the department of its category. The department writes the reply (`record_reply`: 答复审核中, not
yet sent), a reviewer approves it (`approve`): only then is the reply sent to the sender (notice,
lookup page) and, if the sender agreed, its masked public version published. The sender rates
the reply (`rate`); 不满意 reopens it. Every step is a `MessageEvent`, which is also the timeline
the sender sees through the lookup.
"""

import re
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Max, Q
from django.db.models.functions import TruncMonth
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from portal import content_safety, querycodes, ratings
from portal.crypto import EncryptedCharField, EncryptedEmailField, KeyedHashField
from portal.exceptions import InvalidTransition
from portal.figures import month_bounds, percent
from portal.masking import (
    mask_names_in_text,
    mask_personal_data_in_text,
    names_by_forms_of_address,
)
from portal.models import (
    CitizenNotice,
    Department,
    DepartmentScopedQuerySet,
    HandlingEvent,
    staff_stamp,
)
from portal.notify import notify_citizen
from portal.querycodes import QueryCodeHolder
from portal.transitions import Transitions, lock
from portal.uploads import PrivateAttachment
from portal.workdays import is_known_year, is_working_day

from .category import MessageCategory

REPLY_HOURS = 24
# Share of the time to the deadline after which the department is reminded.
REMINDER_SHARE = 0.75
# Cached home-page blocks (complaints_tags); any saved message clears them.
HOME_CACHE_KEYS = {"figures": "complaints:home-figures", "latest": "complaints:home-latest"}


def reply_rule():
    """Return settings.MESSAGE_REPLY_RULE ("natural" or "working"; see reply_deadline)."""
    rule = getattr(settings, "MESSAGE_REPLY_RULE", "natural")
    if rule not in {"natural", "working"}:
        raise ValueError(f"MESSAGE_REPLY_RULE must be 'natural' or 'working', not {rule!r}")
    return rule


def reply_time_limit():
    """Return the reply time as the pages promise it to the citizen, from the rule in force:
    "24小时" under the natural rule, "1个工作日" under the working-hours rule (24 hours counted
    on working days only). Templates read it through {% reply_time_limit %} (complaints_tags)."""
    if reply_rule() == "natural":
        return f"{REPLY_HOURS}小时"
    days, hours = divmod(REPLY_HOURS, 24)
    return f"{days}个工作日" if not hours else f"{REPLY_HOURS}个工作小时"


def reply_deadline(received_at, *, rule=None):
    """Return when a message received at received_at must be answered (the 24-hour rule's home).

    settings.MESSAGE_REPLY_RULE chooses the rule:
    - "natural" (default): 24 clock hours after receipt;
    - "working": 24 hours counted only on working days of the calendar (portal.workdays): the
      hours of weekends and holidays do not count, so a message received on Friday at 10:00 is
      due on Monday at 10:00, one received on Saturday is due on Tuesday at 00:00.
    The result is stored on the message; changing the setting never rewrites stored deadlines.
    `rule` overrides the setting (settling a stored working-hour deadline keeps its rule).
    """
    if (rule or reply_rule()) == "natural":
        return received_at + timedelta(hours=REPLY_HOURS)
    moment = timezone.localtime(received_at)
    remaining = timedelta(hours=REPLY_HOURS)
    while remaining > timedelta(0):
        next_midnight = timezone.make_aware(
            datetime.combine(moment.date() + timedelta(days=1), datetime.min.time())
        )
        if is_working_day(moment.date()):
            step = min(remaining, next_midnight - moment)
            moment += step
            remaining -= step
        else:
            moment = next_midnight
    return moment


def is_provisional_deadline(received_at, reply_due_at, *, rule=None):
    """Return whether a working-hour deadline ran over a day of a year without calendar rows
    (预估, settled when that year's calendar is entered); natural hours never are."""
    if (rule or reply_rule()) == "natural":
        return False
    years = range(timezone.localtime(received_at).year, timezone.localtime(reply_due_at).year + 1)
    return not all(is_known_year(year) for year in years)


def reminder_time(received_at, reply_due_at):
    """Return the moment at 75 % of the time between receipt and the deadline."""
    return received_at + (reply_due_at - received_at) * REMINDER_SHARE


# What a template leaves for the clerk to fill in: a run of underscores (____), a slot in
# lenticular brackets (【】, 【办理结果】) and crosses standing for a blank (XX, XXX, ××). Runs
# inside a Latin word, number or identifier (ZD2026XX01, __init__) are not blanks.
PLACEHOLDER = re.compile(
    r"(?<![A-Za-z0-9.])[_＿]{2,}(?![A-Za-z0-9])"
    r"|【[^】\n]{0,30}】"
    r"|(?<![A-Za-z0-9])[XxＸｘ×]{2,}(?![A-Za-z0-9])"
)
CONTEXT = 6  # characters shown on each side of a blank in the error


def find_placeholders(text):
    """Return each unfilled template blank in text with a little of its context, in order:
    “【办理结果】” as it is (its label says what goes there), “处于____环节” for the others."""
    text = text or ""
    found = []
    for match in PLACEHOLDER.finditer(text):
        blank = match.group()
        if blank.startswith("【") and len(blank) > 2:
            shown = blank
        else:
            before = text[max(match.start() - CONTEXT, 0) : match.start()].split("\n")[-1]
            after = text[match.end() : match.end() + CONTEXT].split("\n")[0]
            shown = f"{before}{blank}{after}".strip()
        if shown not in found:
            found.append(shown)
    return found


def placeholder_error(text, *, field_label):
    """Return the Chinese error naming the blanks left in text, or "" when there are none."""
    blanks = find_placeholders(text)
    if not blanks:
        return ""
    listed = "、".join(f"“{blank}”" for blank in blanks)
    return f"{field_label}中还有未填写的模板空白：{listed}。请填写实际内容或删去后再提交。"


def validate_no_placeholders(text, *, field_label="答复内容", field=None):
    """Raise ValidationError (on field, when given) if text still holds a template blank."""
    error = placeholder_error(text, field_label=field_label)
    if error:
        raise ValidationError({field: error} if field else error, code="placeholder")


QUERY_CODE_PURPOSE = "complaints.query_code"


def hash_query_code(code):
    """Return the stored form of a 查询码 (portal.querycodes)."""
    return querycodes.hash_query_code(code, purpose=QUERY_CODE_PURPOSE)


def with_rates(row):
    """Add reply rate, on-time rate and satisfaction (portal.figures.percent) to a row of counts."""
    return {
        **row,
        "reply_rate": percent(row["replied_count"], row["received_count"]),
        "on_time_rate": percent(row["on_time_count"], row["replied_count"]),
        "satisfaction_rate": percent(row["satisfied_count"], row["rated_count"]),
    }


class MessageCounter(models.Model):
    """The last 受理编号 serial handed out on a day; locked while the next one is taken."""

    issued_on = models.DateField("日期", primary_key=True)
    last = models.PositiveIntegerField("最后序号", default=0)

    class Meta:
        verbose_name = "受理编号计数器"
        verbose_name_plural = "受理编号计数器"

    def __str__(self):
        return f"{self.issued_on}: {self.last}"

    @classmethod
    def next_tracking_number(cls, now):
        """Return the next 受理编号 for the day of now; call inside the submission transaction."""
        day = timezone.localdate(now)
        cls.objects.bulk_create([cls(issued_on=day, last=0)], ignore_conflicts=True)
        counter = cls.objects.select_for_update().get(issued_on=day)
        counter.last += 1
        counter.save(update_fields=["last"])
        return f"ZMHD{day:%Y%m%d}-{counter.last:04d}"


class MessageQuerySet(DepartmentScopedQuerySet):
    def open(self):
        """Return messages still waiting for the department's reply."""
        return self.filter(status=Message.Status.RECEIVED)

    def personal_data_expired(self, *, cutoff):
        """Return messages handled before cutoff whose sender's data are still stored."""
        handled_before = Q(replied_at__lt=cutoff) | Q(
            replied_at__isnull=True, received_at__lt=cutoff
        )
        return (
            self.exclude(status=Message.Status.RECEIVED)
            .exclude(sender_phone_hash="")
            .filter(handled_before)
        )

    def overdue(self, *, now=None):
        """Return open messages whose stored reply_due_at has passed."""
        return self.open().filter(reply_due_at__lt=now or timezone.now())

    def due_for_reminder(self, *, now=None):
        """Return open messages past their 75 % point that have not been reminded yet."""
        return self.open().filter(reminder_due_at__lte=now or timezone.now(), reminded_at=None)

    def due_for_escalation(self, *, now=None):
        """Return open messages past their deadline that have not been escalated yet."""
        return self.overdue(now=now).filter(escalated_at=None)

    def due_soon(self, *, now=None):
        """Return open messages past their 75 % reminder point but not yet overdue."""
        now = now or timezone.now()
        return self.open().filter(reply_due_at__gte=now, reminder_due_at__lte=now)

    def assigned_to(self, user):
        """Return the messages given to user to answer."""
        return self.filter(assignee=user)

    def awaiting_review(self):
        """Return replied messages waiting for a 审核员 to approve the (public) version."""
        return self.filter(status=Message.Status.REPLIED)

    def deadline_counts(self, *, now=None):
        """Return how many open messages are overdue, escalated, or reminded (due soon)."""
        now = now or timezone.now()
        return self.open().aggregate(
            overdue=Count("pk", filter=Q(reply_due_at__lt=now)),
            escalated=Count("pk", filter=Q(escalated_at__isnull=False)),
            due_soon=Count("pk", filter=Q(reply_due_at__gte=now, reminder_due_at__lte=now)),
        )

    def public(self):
        """Return messages the public may read: the sender agreed and a reviewer approved."""
        return self.filter(
            status=Message.Status.APPROVED, has_publication_consent=True, published_at__isnull=False
        )

    def for_public_list(self):
        """Load what the public list shows: category and department in the same query."""
        return self.select_related("category", "department").order_by("-received_at", "-pk")

    def latest_replies(self):
        """Newest reply first, with what a 最新答复 row shows (category and department)."""
        return self.select_related("category", "department").order_by("-replied_at", "-pk")

    def for_staff_queue(self):
        """Load what the admin queue shows (its order is MessageAdmin.ordering)."""
        return self.select_related("category", "department", "assignee")

    def received_in(self, start, end):
        """Return messages received in [start, end)."""
        return self.filter(received_at__gte=start, received_at__lt=end)

    def figures(self):
        """Return received/replied/on-time counts, reply times and ratings, with rates."""
        return with_rates(self.aggregate(**self._figure_expressions()))

    def figures_by(self, by):
        """Return figures grouped by "kind", "category" or "department", labelled, with rates.

        A department row also carries the department's id under "department", for reports that
        join the figures to other rows of the department (the leadership ranking).
        """
        field = {"kind": "kind", "category": "category__name", "department": "department__name"}[by]
        keys = ["department", field] if by == "department" else [field]
        labels = dict(Message.Kind.choices) if by == "kind" else {}
        rows = self.order_by().values(*keys).annotate(**self._figure_expressions()).order_by(field)
        return [{**with_rates(row), "label": labels.get(row[field], row[field])} for row in rows]

    def monthly_figures(self):
        """Return the figures grouped by month of receipt (local time), with rates."""
        rows = (
            self.order_by()
            .annotate(month=TruncMonth("received_at"))
            .values("month")
            .annotate(**self._figure_expressions())
            .order_by("month")
        )
        return [with_rates(row) for row in rows]

    @staticmethod
    def _figure_expressions():
        replied = Q(replied_at__isnull=False)
        reply_time = ExpressionWrapper(F("replied_at") - F("received_at"), DurationField())
        return {
            "received_count": Count("pk"),
            "replied_count": Count("pk", filter=replied),
            "on_time_count": Count("pk", filter=replied & Q(is_replied_late=False)),
            "late_count": Count("pk", filter=replied & Q(is_replied_late=True)),
            "average_reply_time": Avg(reply_time, filter=replied),
            "longest_reply_time": Max(reply_time, filter=replied),
            "rated_count": Count("pk", filter=~Q(rating="")),
            # 满意度 counts the 好评 of the five-level scale (非常满意, 满意, 基本满意).
            "satisfied_count": Count("pk", filter=ratings.good_q("rating")),
        }


class Message(QueryCodeHolder, Transitions, models.Model):
    """A citizen's 咨询, 建议, 投诉 or 网站纠错, with its deadline, reply and rating."""

    class Kind(models.TextChoices):
        INQUIRY = "inquiry", "咨询"
        SUGGESTION = "suggestion", "建议"
        COMPLAINT = "complaint", "投诉"
        SITE_ERROR = "site_error", "网站纠错"

    class Status(models.TextChoices):
        RECEIVED = "received", "待答复"
        # The department has answered; the reply waits for the reviewer and is not yet sent.
        REPLIED = "replied", "答复审核中"
        # The reviewer approved the reply: it is sent to the sender (and public if agreed).
        APPROVED = "approved", "已办结"
        CLOSED = "closed", "不予受理"

    # The five levels of 好差评, one scale for the whole portal (portal.ratings).
    Rating = ratings.Rating

    # Reminders and escalations are stamped while the record waits in this state.
    open_state = Status.RECEIVED
    # Which states each transition starts from.
    TRANSITIONS = {
        "assign": {Status.RECEIVED},
        "transfer": {Status.RECEIVED},
        "record_reply": {Status.RECEIVED},
        "approve": {Status.REPLIED},
        "close": {Status.RECEIVED},
        "reopen": {Status.REPLIED, Status.APPROVED, Status.CLOSED},
        # Only a reply the sender has received can be rated.
        "rate": {Status.APPROVED},
    }

    tracking_number = models.CharField("受理编号", max_length=20, unique=True, editable=False)
    query_code_hash = models.CharField("查询码（摘要）", max_length=64, editable=False)
    kind = models.CharField("留言类型", max_length=12, choices=Kind, default=Kind.INQUIRY)
    category = models.ForeignKey(
        MessageCategory, verbose_name="留言类别", on_delete=models.PROTECT, related_name="messages"
    )
    department = models.ForeignKey(
        Department,
        verbose_name="承办科室",
        on_delete=models.PROTECT,
        related_name="messages",
        editable=False,
    )
    assignee = staff_stamp("承办人", related_name="assigned_messages")
    subject = models.CharField("标题", max_length=100)
    body = models.TextField("留言内容")
    sender_name = EncryptedCharField("留言人姓名", max_length=30)
    sender_phone = EncryptedCharField("手机号码", max_length=20)
    sender_email = EncryptedEmailField("电子邮箱", blank=True)
    sender_phone_hash = KeyedHashField("手机号码（摘要）", source="sender_phone", kind="phone")
    has_publication_consent = models.BooleanField(
        "同意公开",
        default=False,
        help_text="留言人同意在网站上公开留言和答复（不公开姓名和联系方式）",
    )
    sender_ip = models.GenericIPAddressField("提交IP", null=True, blank=True, editable=False)

    status = models.CharField(
        "状态",
        max_length=10,
        choices=Status,
        default=Status.RECEIVED,
        editable=False,
        db_index=True,
    )
    received_at = models.DateTimeField("受理时间", default=timezone.now, editable=False)
    reply_due_at = models.DateTimeField(
        "答复期限", editable=False, db_index=True, help_text="受理时计算并保存，之后不再改变"
    )
    is_reply_due_provisional = models.BooleanField(
        "答复期限为预估",
        default=False,
        editable=False,
        help_text="按工作时间计算且跨入尚未录入工作日历的年度，录入后按正式日历重新确定",
    )
    reminder_due_at = models.DateTimeField("提醒时间", editable=False)
    reminded_at = models.DateTimeField("已提醒于", null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField("已督办于", null=True, blank=True, editable=False)

    reply = models.TextField("答复内容", blank=True, editable=False)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True, editable=False)
    replied_by = staff_stamp("答复人")
    is_replied_late = models.BooleanField(
        "超时答复", default=False, editable=False, help_text="答复时确定，之后不再改变"
    )
    status_reason = models.TextField("不予受理理由", blank=True, editable=False)

    public_subject = models.CharField("公开标题", max_length=100, blank=True, editable=False)
    public_body = models.TextField("公开留言内容", blank=True, editable=False)
    public_reply = models.TextField("公开答复内容", blank=True, editable=False)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True, editable=False)
    reviewed_by = staff_stamp("审核人")
    published_at = models.DateTimeField("公开时间", null=True, blank=True, editable=False)

    rating = models.CharField("满意度", max_length=16, choices=Rating, blank=True, editable=False)
    rating_comment = models.TextField("评价意见", blank=True, editable=False)
    rated_at = models.DateTimeField("评价时间", null=True, blank=True, editable=False)

    objects = MessageQuerySet.as_manager()

    # What the public reads of a published message, masked (portal.content_safety): checked at
    # approval and nightly. The sender's own words and name are never public.
    public_text_fields = ("public_subject", "public_body", "public_reply")

    class Meta:
        verbose_name = "留言"
        verbose_name_plural = "留言"
        ordering = ["reply_due_at", "pk"]
        permissions = [
            ("reply_message", "答复留言"),
            ("assign_message", "指定留言承办人"),
            ("transfer_message", "转办留言"),
            ("review_reply", "审核答复并公开"),
            ("close_message", "不予受理留言"),
            ("reopen_message", "重新办理留言"),
            ("reissue_query_code", "核实身份后重新发放查询码"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="received") | Q(status="closed") | Q(replied_at__isnull=False),
                name="message_replied_has_time",
                violation_error_message="已答复的留言必须有答复时间",
                violation_error_code="reply_time_missing",
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(has_publication_consent=True),
                name="message_published_with_consent",
                violation_error_message="留言人未同意公开的留言不能公开",
                violation_error_code="no_consent",
            ),
        ]

    def __str__(self):
        return f"{self.tracking_number} {self.subject}"

    def get_absolute_url(self):
        return reverse("complaints:message-detail", args=[self.tracking_number])

    # Who staff notices reach (portal.staff_notices): reviewers of a reply, and who answers.
    review_permission = "complaints.review_reply"
    handler_permission = "complaints.assign_message"

    # Where notices to the sender point (portal.notify).
    notice_lookup_url = "complaints:message-lookup"
    # The 查询码's HMAC purpose and the event of its re-issue (portal.querycodes.QueryCodeHolder).
    query_code_purpose = QUERY_CODE_PURPOSE
    query_code_event_kind = "new_code"

    def notice_contact(self):
        """Return the (e-mail, phone) notices to the sender go to."""
        return self.sender_email, self.sender_phone

    @classmethod
    def search_rows(cls):
        """Return the messages in the site search (留言选登), loaded for search_document()."""
        return cls.objects.public().select_related("category", "department")

    def search_document(self):
        """Return how the message reads in the site search: its reviewed public text only."""
        return {
            "kind": "政民互动",
            "title": self.public_subject,
            "url": self.get_absolute_url(),
            "text": f"{self.public_body} 答复：{self.public_reply}",
            "published_at": self.published_at,
            "department_id": self.department_id,
            "column": "留言选登",
            "extra": f"{self.tracking_number} {self.category.name if self.category else ''}",
        }

    # Predicates --------------------------------------------------------------------------
    def is_open(self):
        """Return whether the message still waits for the department's reply."""
        return self.status == self.Status.RECEIVED

    def is_overdue(self, *, now=None):
        """Return whether the message is still open after its stored deadline."""
        return self.is_open() and self.reply_due_at < (now or timezone.now())

    def is_public(self):
        """Return whether the public may read the message (row twin of public())."""
        return (
            self.status == self.Status.APPROVED
            and self.has_publication_consent
            and self.published_at is not None
        )

    def is_replied_late_shown(self):
        """Return whether the public is told the (last) reply came late: it did, and the message
        is not open again (a reopened message runs on a new deadline)."""
        return self.is_replied_late and self.replied_at is not None and not self.is_open()

    def lateness_note(self, *, now=None):
        """Return what the sender and the public are told of lateness, with the dates:
        "超时未答复（…）" while overdue, "超时答复（…）" after a late reply, else ""."""
        due = f"{timezone.localtime(self.reply_due_at):%Y-%m-%d %H:%M}"
        if self.is_overdue(now=now):
            return f"超时未答复（答复期限{due}）"
        if self.is_replied_late_shown():
            replied = f"{timezone.localtime(self.replied_at):%Y-%m-%d %H:%M}"
            return f"超时答复（答复期限{due}，{replied}答复）"
        return ""

    def time_left(self, *, now=None):
        """Return the time until the deadline (negative when overdue)."""
        return self.reply_due_at - (now or timezone.now())

    def check_query_code(self, code):
        """Return whether code is this message's 查询码 (constant-time comparison)."""
        return querycodes.query_code_matches(self.query_code_hash, code, purpose=QUERY_CODE_PURPOSE)

    def is_reply_sent(self):
        """Return whether the sender has been sent a reply: a reviewer approved the latest reply
        (a reply awaiting review, or a new one after reopening, is not sent yet; a reply sent
        before the message was reopened stays sent)."""
        return bool(
            self.reply
            and self.replied_at is not None
            and self.reviewed_at is not None
            and self.reviewed_at >= self.replied_at
        )

    def private_names(self):
        """Return the names of private persons the case records: the sender's (staff names of
        the bureau are public and stay)."""
        return [self.sender_name]

    def mask_public_text(self):
        """Mask personal data in the public subject, question and reply (before approval, which
        then runs the content-safety scan over public_text_fields): the sender's name as in the
        header (杨建国 → 杨**), ID numbers and phone numbers."""
        names = self.private_names()
        self.public_subject = mask_personal_data_in_text(
            mask_names_in_text(self.public_subject or self.subject, names)
        )
        self.public_body = mask_personal_data_in_text(
            mask_names_in_text(self.public_body or self.body, names)
        )
        # The reply is the bureau's own text: its office telephone numbers stay readable.
        self.public_reply = mask_personal_data_in_text(
            mask_names_in_text(self.public_reply or self.reply, names), landlines=False
        )

    def name_warnings(self):
        """Return (field label, names) for each public text that still names someone next to
        同志/先生/女士/您好 (a heuristic for the reviewer's eye; it never blocks approval)."""
        rows = []
        for name in self.public_text_fields:
            names = names_by_forms_of_address(getattr(self, name))
            if names:
                rows.append((self._meta.get_field(name).verbose_name, names))
        return rows

    # Transitions -------------------------------------------------------------------------

    def start_clock(self, now):
        """Store the deadline and the reminder time from now (receipt or reopening)."""
        self.reply_due_at = reply_deadline(now)
        self.is_reply_due_provisional = is_provisional_deadline(now, self.reply_due_at)
        self.reminder_due_at = reminder_time(now, self.reply_due_at)
        self.reminded_at = self.escalated_at = None

    def clock_started_at(self):
        """Return when the running deadline was started: the last reopening, or the receipt."""
        reopened = self.events.filter(kind=MessageEvent.Kind.REOPENED).order_by("-at").first()
        return reopened.at if reopened else self.received_at

    @classmethod
    def settle_provisional_deadlines(cls, *, now=None):
        """Settle every message whose working-hour deadline is 预估 (called when calendar rows
        change); return how many changed."""
        pks = list(cls.objects.filter(is_reply_due_provisional=True).values_list("pk", flat=True))
        return sum(cls.objects.get(pk=pk).settle_deadline(now=now) for pk in pks)

    @transaction.atomic
    def settle_deadline(self, *, now=None):
        """Recompute a 预估 working-hour deadline on the calendar as it now stands.

        The one exception to "stored once" (STYLE §6): the deadline, the reminder time and, for
        a reply given since the clock started, its frozen lateness are derived again; the event
        row (the sender's timeline) says what changed and why. Return whether the date changed.
        """
        lock(self, "status", "reply_due_at", "is_reply_due_provisional")
        if not self.is_reply_due_provisional:
            return False
        now = now or timezone.now()
        start = self.clock_started_at()
        due = reply_deadline(start, rule="working")
        self.is_reply_due_provisional = is_provisional_deadline(start, due, rule="working")
        fields = ["is_reply_due_provisional"]
        if due == self.reply_due_at:
            self.save(update_fields=fields)
            return False
        old = self.reply_due_at
        self.reply_due_at, self.reminder_due_at = due, reminder_time(start, due)
        fields += ["reply_due_at", "reminder_due_at"]
        note = (
            f"工作日历已录入，预估的答复期限{timezone.localtime(old):%Y-%m-%d %H:%M}按正式日历"
            f"调整为{timezone.localtime(due):%Y-%m-%d %H:%M}"
        )
        if self.replied_at and self.replied_at >= start:
            was_late, self.is_replied_late = self.is_replied_late, self.replied_at > due
            if was_late != self.is_replied_late:
                fields.append("is_replied_late")
                note += "，答复重新认定为" + ("超时答复" if self.is_replied_late else "按时答复")
        if self.is_open():
            if self.escalated_at and due >= now:
                self.escalated_at = None
                fields.append("escalated_at")
            if self.reminded_at and self.reminder_due_at > now:
                self.reminded_at = None
                fields.append("reminded_at")
        self.save(update_fields=fields)
        self.log(MessageEvent.Kind.DEADLINE_SETTLED, None, now, note)
        return True

    @transaction.atomic
    def assign(self, *, by, to, now=None):
        """Give the message to a member of its department to answer."""
        self.begin("assign")
        if to.department_id != self.department_id:
            raise InvalidTransition(self, "assign", "承办人必须是承办科室的工作人员")
        now = now or timezone.now()
        self.assignee = to
        self.save(update_fields=["assignee"])
        self.log(MessageEvent.Kind.ASSIGNED, by, now, f"承办人：{to}")

    @transaction.atomic
    def transfer(self, *, by, to, reason, now=None):
        """转办: route the message to another department, saying why; the deadline stands."""
        self.begin("transfer")
        if to.pk == self.department_id:
            raise InvalidTransition(self, "transfer", "转办的科室与当前承办科室相同")
        if not reason.strip():
            raise InvalidTransition(self, "transfer", "请填写转办理由")
        now = now or timezone.now()
        previous = self.department
        self.department, self.assignee = to, None
        self.save(update_fields=["department", "assignee"])
        self.log(MessageEvent.Kind.TRANSFERRED, by, now, f"{previous} → {to}：{reason.strip()}")

    @transaction.atomic
    def record_reply(self, *, by, text, now=None):
        """Record the official reply; its lateness is frozen here, never recomputed."""
        self.begin("record_reply")
        if not text.strip():
            raise InvalidTransition(self, "record_reply", "答复内容不能为空")
        # A template's blanks never reach the sender (the form says so first, field by field).
        error = placeholder_error(text, field_label="答复内容")
        if error:
            raise InvalidTransition(self, "record_reply", error)
        # The reply is published with the message: blocking 错敏字/spam stops it here.
        content_safety.raise_for_blocking(
            content_safety.scan_text(text, field="reply", field_label="答复内容")
        )
        now = now or timezone.now()
        self.status, self.reply, self.replied_at, self.replied_by = (
            self.Status.REPLIED,
            text.strip(),
            now,
            by,
        )
        self.is_replied_late = now > self.reply_due_at
        self.save(update_fields=["status", "reply", "replied_at", "replied_by", "is_replied_late"])
        # Not sent yet: the sender is told, and sees the reply, once a reviewer approves it.
        self.log(MessageEvent.Kind.REPLIED, by, now, "超期答复" if self.is_replied_late else "")

    @transaction.atomic
    def approve(self, *, by, public_subject="", public_body="", public_reply="", now=None):
        """Approve the reply and send it to the sender; publish the masked version if the sender
        agreed to publication. No template blank may remain in what is sent or published."""
        self.begin("approve")
        if by.pk == self.replied_by_id:
            raise InvalidTransition(self, "approve", "不能审核自己撰写的答复")
        error = placeholder_error(self.reply, field_label="答复内容")
        if error:
            raise InvalidTransition(self, "approve", error + "请退回承办科室重新办理。")
        now = now or timezone.now()
        self.public_subject, self.public_body, self.public_reply = (
            public_subject,
            public_body,
            public_reply,
        )
        self.mask_public_text()
        if self.has_publication_consent:
            # Template blanks come with the bureau's reply; the citizen's own “XX村” is their
            # way of not naming a place, not a blank.
            validate_no_placeholders(
                self.public_reply, field_label="公开答复内容", field="public_reply"
            )
            # What the public will read must pass the content-safety scan.
            content_safety.raise_for_blocking(content_safety.scan_object(self))
        self.status, self.reviewed_at, self.reviewed_by = self.Status.APPROVED, now, by
        fields = ["status", "reviewed_at", "reviewed_by", "public_subject", "public_body"]
        fields += ["public_reply"]
        self.log(MessageEvent.Kind.APPROVED, by, now)
        if self.has_publication_consent:
            self.published_at = self.published_at or now
            fields.append("published_at")
            self.log(MessageEvent.Kind.PUBLISHED, by, now)
        self.save(update_fields=fields)
        # The reply reaches the sender now (lookup page and notice), not when it was written.
        notify_citizen(self, CitizenNotice.Kind.REPLIED)

    @transaction.atomic
    def close(self, *, by, reason, now=None):
        """不予受理: close a duplicate or abusive message; the sender sees the reason."""
        self.begin("close")
        if not reason.strip():
            raise InvalidTransition(self, "close", "请填写不予受理的理由")
        now = now or timezone.now()
        self.status, self.status_reason = self.Status.CLOSED, reason.strip()
        self.save(update_fields=["status", "status_reason"])
        self.log(MessageEvent.Kind.CLOSED, by, now, reason.strip())

    @transaction.atomic
    def reopen(self, *, by, reason, now=None):
        """Send the message back to its department for a new reply, with a new deadline."""
        self.begin("reopen")
        now = now or timezone.now()
        self.status, self.status_reason = self.Status.RECEIVED, ""
        self.start_clock(now)
        self.save(
            update_fields=[
                "status",
                "status_reason",
                "reply_due_at",
                "is_reply_due_provisional",
                "reminder_due_at",
                "reminded_at",
                "escalated_at",
            ]
        )
        self.log(MessageEvent.Kind.REOPENED, by, now, reason.strip())

    def has_rated_reply(self):
        """Return whether the sender has already rated the latest reply."""
        return self.rated_at is not None and self.rated_at >= self.replied_at

    @transaction.atomic
    def rate(self, *, rating, comment="", now=None):
        """Record the sender's rating of the latest reply, once; a 差评 (不满意, 非常不满意)
        reopens the message."""
        self.begin("rate")
        if self.has_rated_reply():
            raise InvalidTransition(self, "rate", "您已评价过本次答复")
        now = now or timezone.now()
        self.rating, self.rating_comment, self.rated_at = rating, comment.strip(), now
        self.save(update_fields=["rating", "rating_comment", "rated_at"])
        label = self.Rating(rating).label
        self.log(MessageEvent.Kind.RATED, None, now, f"{label}：{comment.strip()}".rstrip("："))
        if ratings.is_bad(rating):
            self.reopen(by=None, reason="留言人对答复不满意", now=now)

    @transaction.atomic
    def mark_reminded(self, *, now=None):
        """Stamp the 75 % reminder; return False if another worker was first."""
        note = "已过答复时限的75%，已提醒承办科室"
        return self.stamp(
            "reminded_at", MessageEvent.Kind.REMINDED, now=now or timezone.now(), note=note
        )

    @transaction.atomic
    def mark_escalated(self, *, now=None):
        """Stamp the escalation to 局领导 at the deadline; return False if already done."""
        note = "已超过答复期限，已报局领导督办"
        return self.stamp(
            "escalated_at", MessageEvent.Kind.ESCALATED, now=now or timezone.now(), note=note
        )


class MessageEventQuerySet(DepartmentScopedQuerySet):
    department_field = "message__department"

    def for_sender(self):
        """Return the steps the sender sees in the lookup (no internal reminders, and not how the
        office checked identity for a new 查询码)."""
        return self.exclude(
            kind__in=[
                MessageEvent.Kind.REMINDED,
                MessageEvent.Kind.ESCALATED,
                MessageEvent.Kind.QUERY_CODE_REISSUED,
            ]
        ).order_by("at", "pk")


class MessageEvent(HandlingEvent):
    """One step of a message's handling: who did what, when, and why."""

    class Kind(models.TextChoices):
        RECEIVED = "received", "受理"
        ROUTED = "routed", "分送承办科室"
        ASSIGNED = "assigned", "指定承办人"
        TRANSFERRED = "transferred", "转办"
        REPLIED = "replied", "承办科室答复（待审核）"
        APPROVED = "approved", "答复审核通过并发送"
        PUBLISHED = "published", "公开"
        CLOSED = "closed", "不予受理"
        RATED = "rated", "评价"
        REOPENED = "reopened", "重新办理"
        REMINDED = "reminded", "到期提醒"
        ESCALATED = "escalated", "超时督办"
        DEADLINE_SETTLED = "settled", "答复期限按正式日历确定"
        QUERY_CODE_REISSUED = "new_code", "重新发放查询码"

    message = models.ForeignKey(
        Message, verbose_name="留言", on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField("环节", max_length=12, choices=Kind)

    objects = MessageEventQuerySet.as_manager()

    class Meta(HandlingEvent.Meta):
        verbose_name_plural = "办理记录"

    def __str__(self):
        return f"{self.message.tracking_number} {self.get_kind_display()}"


class MessageAttachment(PrivateAttachment):
    """A photo or document the sender attached: for the department only, never public."""

    message = models.ForeignKey(
        Message, verbose_name="留言", on_delete=models.PROTECT, related_name="attachments"
    )

    class Meta(PrivateAttachment.Meta):
        verbose_name = "留言附件"
        verbose_name_plural = "留言附件"


@receiver(post_save, sender=Message, dispatch_uid="complaints-clear-home-blocks")
def clear_home_blocks(sender, instance, **kwargs):
    """Drop the cached home-page figures and latest replies (the only signal of this app)."""
    start, _ = month_bounds(timezone.localdate())
    cache.delete_many([f"{HOME_CACHE_KEYS['figures']}:{start:%Y-%m}", HOME_CACHE_KEYS["latest"]])

"""依申请公开: information requests with their statutory working-day clock, letters and appeals.

A request's life (政府信息公开条例 Art. 29–33): the applicant submits it (online, or staff register
it when it arrives in person, by post or fax); online requests count as received when the office
confirms receipt (Art. 31). From receipt the office has 20 working days (Art. 33), stored as
`due_on` with its explanation. 补正 (Art. 30) stops the clock and restarts it from the corrected
application; asking a third party's opinion (Art. 32) pauses it for up to 15 working days; one
extension of up to 20 working days needs the approval of the 政务公开办. Every step is an
`InformationRequestEvent`, which is also the timeline the applicant sees.
"""

from datetime import date

from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from portal import querycodes, workdays
from portal.crypto import EncryptedCharField, EncryptedEmailField, KeyedHashField
from portal.exceptions import InvalidTransition
from portal.models import CitizenNotice, HandlingEvent, staff_stamp
from portal.notify import notify_citizen
from portal.querycodes import QueryCodeHolder
from portal.transitions import Transitions, lock
from portal.uploads import Attachment, PrivateAttachment

from .letters import LetterTemplate, RequestLetter, format_day

__all__ = [
    "InformationRequest",
    "InformationRequestAttachment",
    "InformationRequestEvent",
    "RequestAppeal",
    "SupportingDocument",
    "RequestCounter",
]

RESPONSE_WORKING_DAYS = 20  # Art. 33
CORRECTION_NOTICE_WORKING_DAYS = 7  # Art. 30: the 补正 notice within 7 working days of receipt
THIRD_PARTY_MAX_WORKING_DAYS = 15  # Art. 32
EXTENSION_MAX_WORKING_DAYS = 20  # Art. 33
NEAR_DEADLINE_WORKING_DAYS = 5  # the office is reminded this many working days before due_on


QUERY_CODE_PURPOSE = "disclosure.query_code"


def hash_query_code(code):
    """Return the stored form of a 查询码 (portal.querycodes)."""
    return querycodes.hash_query_code(code, purpose=QUERY_CODE_PURPOSE)


class RequestCounter(models.Model):
    """The last 申请编号 serial of a year; locked while the next one is taken."""

    year = models.PositiveSmallIntegerField("年份", primary_key=True)
    last = models.PositiveIntegerField("最后序号", default=0)

    class Meta:
        verbose_name = "申请编号计数器"
        verbose_name_plural = "申请编号计数器"

    def __str__(self):
        return f"{self.year}: {self.last}"

    @classmethod
    def next_tracking_number(cls, now):
        """Return the next 申请编号 (YSQ2026-0001) of now's year; call inside a transaction."""
        year = timezone.localdate(now).year
        cls.objects.bulk_create([cls(year=year, last=0)], ignore_conflicts=True)
        counter = cls.objects.select_for_update().get(year=year)
        counter.last += 1
        counter.save(update_fields=["last"])
        return f"YSQ{year}-{counter.last:04d}"


class InformationRequestQuerySet(models.QuerySet):
    def open(self):
        """Return requests whose 20-working-day clock is running (received, not yet answered)."""
        return self.filter(status=InformationRequest.Status.RECEIVED)

    def pending(self):
        """Return requests not yet concluded (replied or withdrawn)."""
        return self.exclude(
            status__in=[InformationRequest.Status.REPLIED, InformationRequest.Status.WITHDRAWN]
        )

    def personal_data_expired(self, *, cutoff):
        """Return requests concluded before cutoff whose applicant's contact data remain."""
        return self.filter(closed_on__lt=timezone.localdate(cutoff)).exclude(phone_hash="")

    def awaiting_confirmation(self):
        """Return online requests whose receipt the office has not confirmed yet."""
        return self.filter(status=InformationRequest.Status.SUBMITTED)

    def overdue(self, *, today=None):
        """Return running requests whose stored due_on has passed."""
        return self.open().filter(due_on__lt=today or timezone.localdate())

    def near_deadline(self, *, today=None):
        """Return running requests due within NEAR_DEADLINE_WORKING_DAYS working days."""
        today = today or timezone.localdate()
        limit = workdays.add_working_days(today, NEAR_DEADLINE_WORKING_DAYS).value
        return self.open().filter(due_on__gte=today, due_on__lte=limit)

    def correction_lapsed(self, *, today=None):
        """Return requests whose applicant let the 补正 period pass (treated as withdrawn)."""
        return self.filter(
            status=InformationRequest.Status.CORRECTION,
            correction_due_on__lt=today or timezone.localdate(),
        )

    def due_for_reminder(self, *, today=None):
        """Return requests near their deadline that have not been reminded yet."""
        return self.near_deadline(today=today).filter(reminded_at=None)

    def due_for_escalation(self, *, today=None):
        """Return overdue requests that have not been escalated to 局领导 yet."""
        return self.overdue(today=today).filter(escalated_at=None)

    def provisional(self):
        """Return requests with a stored 预估 deadline still to be settled (portal.workdays):
        the answer deadline of a request not withdrawn, or a running 补正 or third-party period."""
        S = InformationRequest.Status
        return self.filter(
            (Q(is_due_provisional=True) & ~Q(status=S.WITHDRAWN))
            | Q(is_correction_due_provisional=True, status=S.CORRECTION)
            | Q(is_third_party_due_provisional=True, status=S.AWAITING_THIRD_PARTY)
        )

    def visible_to(self, user):
        """Requests are handled by the 政务公开办 for the whole bureau: only bureau-wide roles
        see them, whatever permissions a departmental account was given by hand."""
        if user.is_authenticated and user.is_active and user.spans_departments:
            return self
        return self.none()

    def for_staff_queue(self):
        """Load what the admin list shows, most urgent first."""
        return self.select_related("registered_by").order_by(
            models.F("due_on").asc(nulls_last=True), "-submitted_at"
        )

    def received_by(self, day):
        """Return requests received on or before day."""
        return self.filter(received_on__isnull=False, received_on__lte=day)

    def concluded_between(self, start, end):
        """Return requests concluded (replied or withdrawn) in [start, end]."""
        return self.filter(closed_on__gte=start, closed_on__lte=end)

    def replied_between(self, start, end):
        """Return requests answered (a reply, not a withdrawal or lapse) in [start, end]."""
        return self.concluded_between(start, end).filter(status=InformationRequest.Status.REPLIED)

    def open_on(self, day):
        """Return requests received by day and not concluded by then (carried over)."""
        return self.received_by(day).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day))


class InformationRequest(QueryCodeHolder, Transitions, models.Model):
    """An application for government information (政府信息公开申请)."""

    class ApplicantType(models.TextChoices):
        NATURAL_PERSON = "natural_person", "自然人"
        BUSINESS = "business", "商业企业"
        RESEARCH = "research", "科研机构"
        NONPROFIT = "nonprofit", "社会公益组织"
        LEGAL_SERVICE = "legal_service", "法律服务机构"
        OTHER = "other", "其他"

    class IdType(models.TextChoices):
        RESIDENT_ID = "resident_id", "居民身份证"
        PASSPORT = "passport", "护照"
        HK_MACAO = "hk_macao", "港澳居民来往内地通行证"
        TAIWAN = "taiwan", "台湾居民来往大陆通行证"
        OTHER = "other", "其他有效证件"

    class DeliveryForm(models.TextChoices):
        PAPER = "paper", "纸质"
        EMAIL = "email", "电子邮件"
        PICKUP = "pickup", "自行领取"
        DISC = "disc", "光盘"

    class Channel(models.TextChoices):
        ONLINE = "online", "网上申请"
        IN_PERSON = "in_person", "当面提交"
        POST = "post", "信函"
        FAX = "fax", "传真"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待确认收到"
        RECEIVED = "received", "办理中"
        CORRECTION = "correction", "待补正"
        AWAITING_THIRD_PARTY = "consulting", "征求第三方意见"
        REPLIED = "replied", "已答复"
        WITHDRAWN = "withdrawn", "已撤回"

    class ReplyType(models.TextChoices):
        # The value is the row of table 三 of the annual report (国办公开办函〔2021〕30号).
        DISCLOSED = "1", "予以公开"
        PARTLY_DISCLOSED = "2", "部分公开"
        SECRET = "3.1", "不予公开：属于国家秘密"
        FORBIDDEN_BY_LAW = "3.2", "不予公开：其他法律行政法规禁止公开"
        SECURITY = "3.3", "不予公开：危及“三安全一稳定”"
        THIRD_PARTY = "3.4", "不予公开：保护第三方合法权益"
        INTERNAL = "3.5", "不予公开：属于三类内部事务信息"
        PROCESS = "3.6", "不予公开：属于四类过程性信息"
        ENFORCEMENT_FILE = "3.7", "不予公开：属于行政执法案卷"
        ADMINISTRATIVE_QUERY = "3.8", "不予公开：属于行政查询事项"
        NOT_HELD = "4.1", "无法提供：本机关不掌握相关政府信息"
        NEEDS_CREATION = "4.2", "无法提供：没有现成信息需要另行制作"
        UNCLEAR = "4.3", "无法提供：补正后申请内容仍不明确"
        PETITION = "5.1", "不予处理：信访举报投诉类申请"
        REPEATED = "5.2", "不予处理：重复申请"
        PUBLICATION = "5.3", "不予处理：要求提供公开出版物"
        EXCESSIVE = "5.4", "不予处理：无正当理由大量反复申请"
        CONFIRMATION = "5.5", "不予处理：要求行政机关确认或重新出具已获取信息"
        NO_CORRECTION = "6.1", "其他处理：申请人逾期不补正，不再处理"
        UNPAID_FEE = "6.2", "其他处理：申请人逾期未缴纳费用，不再处理"
        OTHER = "6.3", "其他处理：其他"

    # Reply types the office chooses when replying; 6.1 comes from the 补正 lapse, 6.3 also from
    # a withdrawal.
    REPLY_CHOICES = [c for c in ReplyType.choices if c[0] != "6.1"]

    # What the applicant fills in (the online form, the office's registration, the admin page).
    APPLICANT_FIELDS = (
        "applicant_type",
        "applicant_name",
        "id_type",
        "id_number",
        "credit_code",
        "legal_representative",
        "contact_name",
        "phone",
        "email",
        "address",
        "postcode",
        "description",
        "purpose",
        "delivery_form",
    )
    # Reminders and escalations are stamped while the record waits in this state.
    open_state = Status.RECEIVED
    # Which states each transition starts from.
    TRANSITIONS = {
        "confirm_receipt": {Status.SUBMITTED},
        "request_correction": {Status.RECEIVED},
        "record_correction": {Status.CORRECTION},
        "lapse_correction": {Status.CORRECTION},
        "request_third_party_opinion": {Status.RECEIVED},
        "record_third_party_opinion": {Status.AWAITING_THIRD_PARTY},
        "extend": {Status.RECEIVED, Status.AWAITING_THIRD_PARTY},
        "reply": {Status.RECEIVED},
        "withdraw": {
            Status.SUBMITTED,
            Status.RECEIVED,
            Status.CORRECTION,
            Status.AWAITING_THIRD_PARTY,
        },
    }

    tracking_number = models.CharField("申请编号", max_length=20, unique=True, editable=False)
    query_code_hash = models.CharField("查询码（摘要）", max_length=64, editable=False)

    applicant_type = models.CharField(
        "申请人类型", max_length=16, choices=ApplicantType, default=ApplicantType.NATURAL_PERSON
    )
    applicant_name = EncryptedCharField(
        "申请人姓名或名称", max_length=100, help_text="自然人填写姓名，法人或其他组织填写全称"
    )
    id_type = models.CharField(
        "证件类型", max_length=12, choices=IdType, blank=True, help_text="自然人填写"
    )
    id_number = EncryptedCharField("证件号码", max_length=30, blank=True)
    credit_code = models.CharField(
        "统一社会信用代码", max_length=18, blank=True, help_text="法人或其他组织填写"
    )
    legal_representative = EncryptedCharField("法定代表人或负责人", max_length=30, blank=True)
    contact_name = EncryptedCharField("联系人", max_length=30, blank=True)
    phone = EncryptedCharField("联系电话", max_length=20)
    email = EncryptedEmailField("电子邮箱", blank=True)
    address = EncryptedCharField("通信地址", max_length=120)
    # Keyed hashes (portal.crypto) for the office's exact search by name or phone.
    applicant_name_hash = KeyedHashField("申请人（摘要）", source="applicant_name")
    phone_hash = KeyedHashField("联系电话（摘要）", source="phone", kind="phone")
    postcode = models.CharField("邮政编码", max_length=6, blank=True)

    description = models.TextField(
        "所需信息的内容描述", help_text="文件名称、文号或便于查询的其他特征性描述"
    )
    purpose = models.TextField("所需信息的用途", blank=True)
    delivery_form = models.CharField(
        "获取信息的方式", max_length=8, choices=DeliveryForm, default=DeliveryForm.EMAIL
    )
    channel = models.CharField("申请方式", max_length=10, choices=Channel, default=Channel.ONLINE)
    department = models.ForeignKey(
        "portal.Department",
        verbose_name="承办科室",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="掌握所申请信息、负责提供材料的科室（考核统计按此分科室）",
    )
    submitter_ip = models.GenericIPAddressField("提交IP", null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField("提交时间", default=timezone.now, editable=False)
    registered_by = staff_stamp("登记人")

    status = models.CharField(
        "状态", max_length=12, choices=Status, default=Status.SUBMITTED, editable=False
    )
    received_on = models.DateField(
        "收到申请日期",
        null=True,
        blank=True,
        editable=False,
        help_text="当面提交为提交当日；信函为签收之日；网上申请为确认收到之日（条例第三十一条）",
    )
    clock_started_on = models.DateField(
        "起算日期", null=True, blank=True, editable=False, help_text="收到申请或收到补正之日"
    )
    due_on = models.DateField(
        "答复期限",
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        help_text="起算时按工作日历计算并保存，补正、征求意见和延期时重新保存",
    )
    due_explanation = models.TextField("期限说明", blank=True, editable=False)
    is_due_provisional = models.BooleanField("期限为预估", default=False, editable=False)

    correction_requested_on = models.DateField(
        "补正告知日期", null=True, blank=True, editable=False
    )
    correction_due_on = models.DateField("补正期限", null=True, blank=True, editable=False)
    correction_period_days = models.PositiveSmallIntegerField(
        "补正期限（工作日）", null=True, blank=True, editable=False
    )
    is_correction_due_provisional = models.BooleanField(
        "补正期限为预估", default=False, editable=False
    )
    correction_items = models.TextField("需补正的事项", blank=True, editable=False)
    corrected_on = models.DateField("收到补正日期", null=True, blank=True, editable=False)

    third_party = models.CharField("第三方", max_length=100, blank=True, editable=False)
    third_party_asked_on = models.DateField(
        "征求意见开始日期", null=True, blank=True, editable=False
    )
    third_party_due_on = models.DateField("征求意见期限", null=True, blank=True, editable=False)
    is_third_party_due_provisional = models.BooleanField(
        "征求意见期限为预估", default=False, editable=False
    )
    third_party_answered_on = models.DateField(
        "征求意见结束日期", null=True, blank=True, editable=False
    )
    third_party_opinion = models.TextField("第三方意见", blank=True, editable=False)

    extension_days = models.PositiveSmallIntegerField(
        "延长工作日数", null=True, blank=True, editable=False
    )
    extension_reason = models.TextField("延期理由", blank=True, editable=False)
    extension_approved_by = staff_stamp("延期批准人")
    extended_at = models.DateTimeField("延期时间", null=True, blank=True, editable=False)

    reply_type = models.CharField(
        "办理结果", max_length=4, choices=ReplyType, blank=True, editable=False
    )
    legal_basis = models.TextField("法律依据", blank=True, editable=False)
    reply_text = models.TextField("答复内容", blank=True, editable=False)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True, editable=False)
    replied_by = staff_stamp("答复人")
    is_replied_late = models.BooleanField(
        "超期答复", default=False, editable=False, help_text="答复时确定，之后不再改变"
    )
    closed_on = models.DateField(
        "办结日期", null=True, blank=True, editable=False, help_text="答复或撤回之日，用于年度报告"
    )
    reminded_at = models.DateTimeField("已提醒于", null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField("已督办于", null=True, blank=True, editable=False)

    objects = InformationRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "依申请公开"
        verbose_name_plural = "依申请公开"
        ordering = ["-submitted_at", "-pk"]
        permissions = [
            ("handle_informationrequest", "办理依申请公开（确认收到、补正、征求意见、答复）"),
            ("approve_extension", "批准延长答复期限"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="submitted")
                | Q(status="withdrawn")
                | Q(received_on__isnull=False),
                name="informationrequest_received_has_date",
                violation_error_message="已收到的申请必须有收到日期",
                violation_error_code="received_on_missing",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["replied", "withdrawn"])
                | (Q(closed_on__isnull=False) & ~Q(reply_type="")),
                name="informationrequest_closed_has_outcome",
                violation_error_message="已办结的申请必须有办结日期和办理结果",
                violation_error_code="outcome_missing",
            ),
            models.CheckConstraint(
                condition=Q(extension_days__isnull=True)
                | Q(extension_days__gte=1, extension_days__lte=20),
                name="informationrequest_extension_limit",
                violation_error_message="延长的期限最长不超过20个工作日",
                violation_error_code="extension_too_long",
            ),
        ]

    def __str__(self):
        return f"{self.tracking_number} {self.description[:20]}"

    def get_absolute_url(self):
        return reverse("disclosure:request-status", args=[self.tracking_number])

    # Who staff notices reach (portal.staff_notices): the office handles every request.
    handler_permission = "disclosure.handle_informationrequest"

    # Where notices to the applicant point (portal.notify).
    notice_lookup_url = "disclosure:request-lookup"
    # The 查询码's HMAC purpose and the event of its re-issue (portal.querycodes.QueryCodeHolder).
    query_code_purpose = QUERY_CODE_PURPOSE
    query_code_event_kind = "new_code"

    def notice_contact(self):
        """Return the (e-mail, phone) notices to the applicant go to."""
        return self.email, self.phone

    # Predicates --------------------------------------------------------------------------
    def is_organisation(self):
        return self.applicant_type != self.ApplicantType.NATURAL_PERSON

    def is_overdue(self, *, today=None):
        """Return whether the clock is running past the stored deadline."""
        return (
            self.status == self.Status.RECEIVED
            and self.due_on is not None
            and self.due_on < (today or timezone.localdate())
        )

    def lateness_note(self, *, today=None):
        """Return what the applicant is told of lateness, with the dates: "已超期（…）" while the
        clock runs past due_on, "超期答复（…）" after a late reply, else ""."""
        if self.is_overdue(today=today):
            late = -self.working_days_left(today=today)
            return f"已超期（答复期限{format_day(self.due_on)}，已超过{late}个工作日）"
        if self.status == self.Status.REPLIED and self.is_replied_late:
            return (
                f"超期答复（答复期限{format_day(self.due_on)}，"
                f"{format_day(timezone.localdate(self.replied_at))}答复）"
            )
        return ""

    def is_near_deadline(self, *, today=None):
        """Return whether the running clock ends within NEAR_DEADLINE_WORKING_DAYS working days."""
        today = today or timezone.localdate()
        if self.status != self.Status.RECEIVED or self.due_on is None or self.due_on < today:
            return False
        return self.due_on <= workdays.add_working_days(today, NEAR_DEADLINE_WORKING_DAYS).value

    def working_days_left(self, *, today=None):
        """Return the working days until due_on (negative when overdue), or None."""
        if self.due_on is None:
            return None
        today = today or timezone.localdate()
        if self.due_on >= today:
            return workdays.working_days_between(today, self.due_on)
        return -workdays.working_days_between(self.due_on, today)

    def check_query_code(self, code):
        """Return whether code is this request's 查询码 (constant-time comparison)."""
        return querycodes.query_code_matches(self.query_code_hash, code, purpose=QUERY_CODE_PURPOSE)

    def report_row(self):
        """Return the row of table 三 of the annual report this request's outcome counts in."""
        return self.reply_type or None

    def reply_category(self):
        """Return the outcome without its reason (予以公开, 不予公开, …)."""
        return self.get_reply_type_display().split("：")[0] if self.reply_type else ""

    # Clock ---------------------------------------------------------------------------------
    def start_clock(self, day, reason):
        """Store the deadline: 20 working days from day (receipt or corrected application)."""
        result = workdays.add_working_days(day, RESPONSE_WORKING_DAYS)
        self.clock_started_on, self.due_on = day, result.value
        self.is_due_provisional = result.is_provisional
        self.due_explanation = (
            f"自{reason}{format_day(day)}起算{RESPONSE_WORKING_DAYS}个工作日，"
            f"至{format_day(result.value)}；{result.explain()}。"
        )

    def _move_deadline(self, working_days, reason):
        result = workdays.add_working_days(self.due_on, working_days)
        self.due_on = result.value
        self.is_due_provisional = self.is_due_provisional or result.is_provisional
        self.due_explanation += (
            f"\n{reason}，期限顺延{working_days}个工作日，至{format_day(result.value)}；"
            f"{result.explain()}。"
        )

    # Transitions -------------------------------------------------------------------------

    @transaction.atomic
    def confirm_receipt(self, *, by, now=None):
        """Confirm receipt of an online application (Art. 31): the clock starts today."""
        self.begin("confirm_receipt")
        now = now or timezone.now()
        today = timezone.localdate(now)
        self.status, self.received_on = self.Status.RECEIVED, today
        self.start_clock(today, "确认收到申请之日")
        self.save(
            update_fields=[
                "status",
                "received_on",
                "clock_started_on",
                "due_on",
                "is_due_provisional",
                "due_explanation",
            ]
        )
        self.log(InformationRequestEvent.Kind.RECEIVED, by, now, self.due_explanation)
        notify_citizen(self, CitizenNotice.Kind.RECEIVED)  # now with the deadline

    @transaction.atomic
    def request_correction(self, *, by, items, period_days=10, now=None):
        """补正: ask once, within 7 working days of receipt, to clarify; the clock stops."""
        self.begin("request_correction")
        now = now or timezone.now()
        today = timezone.localdate(now)
        if self.correction_requested_on is not None:
            raise InvalidTransition(self, "request_correction", "补正通知只能一次性提出")
        elapsed = workdays.working_days_between(self.received_on, today)
        if elapsed > CORRECTION_NOTICE_WORKING_DAYS:
            raise InvalidTransition(
                self,
                "request_correction",
                f"补正通知应当在收到申请之日起{CORRECTION_NOTICE_WORKING_DAYS}个工作日内提出"
                f"（已过{elapsed}个工作日）",
            )
        if not items.strip():
            raise InvalidTransition(self, "request_correction", "请写明需要补正的事项")
        if not 1 <= period_days <= 30:
            raise InvalidTransition(self, "request_correction", "补正期限应为1至30个工作日")
        self.status = self.Status.CORRECTION
        self.correction_requested_on, self.correction_items = today, items.strip()
        correction_due = workdays.add_working_days(today, period_days)
        self.correction_due_on, self.correction_period_days = correction_due.value, period_days
        self.is_correction_due_provisional = correction_due.is_provisional
        self.due_on = None
        self.due_explanation += (
            f"\n{format_day(today)}发出补正通知，答复期限自收到补正之日重新计算。"
        )
        self.save(
            update_fields=[
                "status",
                "correction_requested_on",
                "correction_items",
                "correction_due_on",
                "correction_period_days",
                "is_correction_due_provisional",
                "due_on",
                "due_explanation",
            ]
        )
        self.log(
            InformationRequestEvent.Kind.CORRECTION_REQUESTED,
            by,
            now,
            f"请于{format_day(self.correction_due_on)}前补正：{self.correction_items}",
        )
        RequestLetter.issue(self, LetterTemplate.Kind.CORRECTION, by=by, now=now)
        notify_citizen(self, CitizenNotice.Kind.CORRECTION)

    @transaction.atomic
    def record_correction(self, *, by, corrected_on=None, note="", now=None):
        """Record the corrected application; the 20 working days start again from its arrival."""
        self.begin("record_correction")
        now = now or timezone.now()
        corrected_on = corrected_on or timezone.localdate(now)
        if corrected_on > self.correction_due_on:
            raise InvalidTransition(
                self, "record_correction", "补正已超过规定期限，应按申请人撤回申请处理"
            )
        if corrected_on < self.correction_requested_on:
            raise InvalidTransition(self, "record_correction", "收到补正的日期早于补正通知日期")
        self.status, self.corrected_on = self.Status.RECEIVED, corrected_on
        self.start_clock(corrected_on, "收到补正申请之日")
        self.save(
            update_fields=[
                "status",
                "corrected_on",
                "clock_started_on",
                "due_on",
                "is_due_provisional",
                "due_explanation",
            ]
        )
        self.log(
            InformationRequestEvent.Kind.CORRECTED,
            by,
            now,
            "\n".join(filter(None, [note.strip(), self.due_explanation])),
        )

    @transaction.atomic
    def lapse_correction(self, *, by, now=None):
        """The applicant did not correct in time: treat the application as withdrawn (Art. 30)."""
        self.begin("lapse_correction")
        now = now or timezone.now()
        today = timezone.localdate(now)
        if today <= self.correction_due_on:
            raise InvalidTransition(self, "lapse_correction", "补正期限尚未届满")
        self.status, self.reply_type, self.closed_on = (
            self.Status.WITHDRAWN,
            self.ReplyType.NO_CORRECTION,
            today,
        )
        self.save(update_fields=["status", "reply_type", "closed_on"])
        self.log(
            InformationRequestEvent.Kind.CORRECTION_LAPSED,
            by,
            now,
            f"申请人未在{format_day(self.correction_due_on)}前补正，视为放弃申请",
        )

    @transaction.atomic
    def request_third_party_opinion(self, *, by, third_party, now=None):
        """征求第三方意见 (Art. 32): the clock pauses, for at most 15 working days."""
        self.begin("request_third_party_opinion")
        if self.third_party_asked_on is not None:
            raise InvalidTransition(self, "request_third_party_opinion", "已经征求过第三方意见")
        if not third_party.strip():
            raise InvalidTransition(self, "request_third_party_opinion", "请填写第三方名称")
        now = now or timezone.now()
        today = timezone.localdate(now)
        self.status, self.third_party = self.Status.AWAITING_THIRD_PARTY, third_party.strip()
        self.third_party_asked_on = today
        third_party_due = workdays.add_working_days(today, THIRD_PARTY_MAX_WORKING_DAYS)
        self.third_party_due_on = third_party_due.value
        self.is_third_party_due_provisional = third_party_due.is_provisional
        self.save(
            update_fields=[
                "status",
                "third_party",
                "third_party_asked_on",
                "third_party_due_on",
                "is_third_party_due_provisional",
            ]
        )
        self.log(
            InformationRequestEvent.Kind.THIRD_PARTY_ASKED,
            by,
            now,
            f"征求{self.third_party}意见，答复期限暂停计算，"
            f"第三方最迟于{format_day(self.third_party_due_on)}前提出意见",
        )
        RequestLetter.issue(self, LetterTemplate.Kind.THIRD_PARTY, by=by, now=now)

    @transaction.atomic
    def record_third_party_opinion(self, *, by, opinion, now=None):
        """Record the third party's opinion (or its silence); the deadline moves by the pause."""
        self.begin("record_third_party_opinion")
        now = now or timezone.now()
        today = timezone.localdate(now)
        paused = min(
            workdays.working_days_between(self.third_party_asked_on, today),
            THIRD_PARTY_MAX_WORKING_DAYS,
        )
        self.status, self.third_party_answered_on = self.Status.RECEIVED, today
        self.third_party_opinion = opinion.strip() or "第三方逾期未提出意见"
        if paused:
            self._move_deadline(
                paused,
                f"征求第三方意见（{format_day(self.third_party_asked_on)}至"
                f"{format_day(today)}）所需时间不计算在内",
            )
        self.save(
            update_fields=[
                "status",
                "third_party_answered_on",
                "third_party_opinion",
                "due_on",
                "is_due_provisional",
                "due_explanation",
            ]
        )
        self.log(
            InformationRequestEvent.Kind.THIRD_PARTY_ANSWERED,
            by,
            now,
            f"第三方意见：{self.third_party_opinion}；暂停{paused}个工作日，"
            f"答复期限为{format_day(self.due_on)}",
        )

    @transaction.atomic
    def extend(self, *, by, days, reason, now=None):
        """Extend the deadline once by at most 20 working days, approved by the 政务公开办."""
        self.begin("extend")
        now = now or timezone.now()
        if self.extended_at is not None:
            raise InvalidTransition(self, "extend", "答复期限只能延长一次")
        if not (by and by.has_perm("disclosure.approve_extension")):
            raise InvalidTransition(self, "extend", "延长答复期限须经政务公开办负责人批准")
        if not 1 <= days <= EXTENSION_MAX_WORKING_DAYS:
            raise InvalidTransition(self, "extend", "延长的期限最长不超过20个工作日")
        if not reason.strip():
            raise InvalidTransition(self, "extend", "请填写延期理由")
        if self.due_on < timezone.localdate(now):
            raise InvalidTransition(self, "extend", "答复期限已过，不能再延期")
        self.extension_days, self.extension_reason = days, reason.strip()
        self.extension_approved_by, self.extended_at = by, now
        self._move_deadline(days, f"经{by}批准延长答复期限")
        self.save(
            update_fields=[
                "extension_days",
                "extension_reason",
                "extension_approved_by",
                "extended_at",
                "due_on",
                "is_due_provisional",
                "due_explanation",
            ]
        )
        self.log(
            InformationRequestEvent.Kind.EXTENDED,
            by,
            now,
            f"延长{days}个工作日至{format_day(self.due_on)}：{self.extension_reason}",
        )
        RequestLetter.issue(self, LetterTemplate.Kind.EXTENSION, by=by, now=now)

    @transaction.atomic
    def reply(self, *, by, reply_type, legal_basis, text, now=None):
        """Answer the application with one of the Regulation's reply types and the 告知书."""
        self.begin("reply")
        if reply_type not in dict(self.REPLY_CHOICES):
            raise InvalidTransition(self, "reply", "请选择办理结果")
        if not legal_basis.strip():
            raise InvalidTransition(self, "reply", "请填写答复的法律依据")
        if not text.strip():
            raise InvalidTransition(self, "reply", "请填写答复内容")
        now = now or timezone.now()
        today = timezone.localdate(now)
        self.status, self.reply_type = self.Status.REPLIED, reply_type
        self.legal_basis, self.reply_text = legal_basis.strip(), text.strip()
        self.replied_at, self.replied_by, self.closed_on = now, by, today
        self.is_replied_late = today > self.due_on
        self.save(
            update_fields=[
                "status",
                "reply_type",
                "legal_basis",
                "reply_text",
                "replied_at",
                "replied_by",
                "closed_on",
                "is_replied_late",
            ]
        )
        self.log(
            InformationRequestEvent.Kind.REPLIED,
            by,
            now,
            self.get_reply_type_display() + ("（超期答复）" if self.is_replied_late else ""),
        )
        RequestLetter.issue(self, LetterTemplate.Kind.REPLY, by=by, now=now)
        notify_citizen(self, CitizenNotice.Kind.REPLIED)

    @transaction.atomic
    def withdraw(self, *, by, reason="", now=None):
        """The applicant withdraws the application (recorded by staff, or from the lookup page)."""
        self.begin("withdraw")
        now = now or timezone.now()
        self.status, self.reply_type = self.Status.WITHDRAWN, self.ReplyType.OTHER
        self.closed_on = timezone.localdate(now)
        self.save(update_fields=["status", "reply_type", "closed_on"])
        self.log(
            InformationRequestEvent.Kind.WITHDRAWN, by, now, reason.strip() or "申请人撤回申请"
        )

    @transaction.atomic
    def mark_reminded(self, *, now=None):
        """Stamp the near-deadline reminder; return False if another worker was first."""
        note = f"答复期限{format_day(self.due_on)}临近，已提醒政务公开办"
        kind = InformationRequestEvent.Kind.REMINDED
        return self.stamp("reminded_at", kind, now=now or timezone.now(), note=note)

    @transaction.atomic
    def mark_escalated(self, *, now=None):
        """Stamp the escalation to 局领导 after the deadline; return False if already done."""
        note = "已超过答复期限，已报局领导督办"
        kind = InformationRequestEvent.Kind.ESCALATED
        return self.stamp("escalated_at", kind, now=now or timezone.now(), note=note)

    # Settling 预估 deadlines -----------------------------------------------------------------
    @classmethod
    def settle_provisional_deadlines(cls, *, now=None):
        """Settle every request with a 预估 deadline (called when calendar rows change);
        return how many changed."""
        pks = cls.objects.provisional().values_list("pk", flat=True)
        return sum(cls.objects.get(pk=pk).settle_deadlines(now=now) for pk in list(pks))

    def _counted_pause(self):
        """Return the working days the third-party consultation added to the running clock."""
        answered, asked = self.third_party_answered_on, self.third_party_asked_on
        if answered is None or asked < self.clock_started_on:
            return 0  # none, or one before a 补正 restarted the clock from scratch
        return min(
            workdays.working_days_between(self.third_party_asked_on, self.third_party_answered_on),
            THIRD_PARTY_MAX_WORKING_DAYS,
        )

    def _counted_extension(self):
        """Return the extension's working days if it moved the running clock."""
        if self.extended_at is None or timezone.localdate(self.extended_at) < self.clock_started_on:
            return 0
        return self.extension_days or 0

    @transaction.atomic
    def settle_deadlines(self, *, now=None):
        """Recompute the 预估 deadlines on the calendar as it now stands (STYLE §6's exception).

        The answer deadline is the clock's start plus 20 working days, plus the counted
        third-party pause and extension; a running 补正 or third-party period is recomputed from
        its start. Each changed date gets a line in the explanation and an event saying why, and
        lateness frozen against the old date is derived again. Return whether anything changed.
        """
        lock(
            self,
            "status",
            "due_on",
            "is_due_provisional",
            "correction_due_on",
            "is_correction_due_provisional",
            "third_party_due_on",
            "is_third_party_due_provisional",
        )
        now = now or timezone.now()
        today = timezone.localdate(now)
        lines, fields = [], set()
        if self.is_due_provisional and self.due_on and self.status != self.Status.WITHDRAWN:
            days = RESPONSE_WORKING_DAYS + self._counted_pause() + self._counted_extension()
            result = workdays.add_working_days(self.clock_started_on, days)
            if result.value != self.due_on:
                lines.append(
                    f"答复期限由预估的{format_day(self.due_on)}调整为{format_day(result.value)}"
                    f"（自{format_day(self.clock_started_on)}起算{days}个工作日；{result.explain()}）"
                )
                self.due_on = result.value
                fields.add("due_on")
                if self.status == self.Status.REPLIED:
                    was_late = self.is_replied_late
                    self.is_replied_late = timezone.localdate(self.replied_at) > self.due_on
                    if was_late != self.is_replied_late:
                        lines.append(
                            "答复时间据此重新认定为"
                            + ("超期答复" if self.is_replied_late else "按期答复")
                        )
                        fields.add("is_replied_late")
                elif self.escalated_at and not self.is_overdue(today=today):
                    self.escalated_at = None  # escalated against the estimate: not overdue now
                    fields.add("escalated_at")
            elif not result.is_provisional:
                lines.append(f"答复期限{format_day(self.due_on)}经正式工作日历核实，不再是预估")
            self.is_due_provisional = result.is_provisional
            fields.add("is_due_provisional")
        if self.is_correction_due_provisional and self.status == self.Status.CORRECTION:
            period = self.correction_period_days or workdays.working_days_between(
                self.correction_requested_on, self.correction_due_on
            )
            result = workdays.add_working_days(self.correction_requested_on, period)
            if result.value != self.correction_due_on:
                lines.append(
                    f"补正期限由预估的{format_day(self.correction_due_on)}调整为"
                    f"{format_day(result.value)}（{result.explain()}）"
                )
                self.correction_due_on = result.value
                fields.add("correction_due_on")
            self.is_correction_due_provisional = result.is_provisional
            fields.add("is_correction_due_provisional")
        if self.is_third_party_due_provisional and self.status == self.Status.AWAITING_THIRD_PARTY:
            result = workdays.add_working_days(
                self.third_party_asked_on, THIRD_PARTY_MAX_WORKING_DAYS
            )
            if result.value != self.third_party_due_on:
                lines.append(
                    f"征求第三方意见期限由预估的{format_day(self.third_party_due_on)}调整为"
                    f"{format_day(result.value)}（{result.explain()}）"
                )
                self.third_party_due_on = result.value
                fields.add("third_party_due_on")
            self.is_third_party_due_provisional = result.is_provisional
            fields.add("is_third_party_due_provisional")
        if not lines:
            if fields:
                self.save(update_fields=sorted(fields))
            return False
        note = f"{format_day(today)}本局录入或修改了工作日历，按正式日历重新计算：" + "；".join(
            lines
        )
        self.due_explanation += f"\n{note}。"
        self.save(update_fields=sorted(fields | {"due_explanation"}))
        self.log(InformationRequestEvent.Kind.DEADLINE_SETTLED, None, now, note)
        return True


class InformationRequestEventQuerySet(models.QuerySet):
    def for_applicant(self):
        """Return the steps the applicant sees (no internal reminders, and not how the office
        checked identity for a new 查询码)."""
        return self.exclude(
            kind__in=[
                InformationRequestEvent.Kind.REMINDED,
                InformationRequestEvent.Kind.ESCALATED,
                InformationRequestEvent.Kind.QUERY_CODE_REISSUED,
            ]
        ).order_by("at", "pk")


class InformationRequestEvent(HandlingEvent):
    """One step of a request's handling: who did what, when, and why."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "提交申请"
        REGISTERED = "registered", "登记申请"
        RECEIVED = "received", "确认收到"
        CORRECTION_REQUESTED = "correction_requested", "告知补正"
        CORRECTED = "corrected", "收到补正"
        CORRECTION_LAPSED = "correction_lapsed", "逾期未补正"
        THIRD_PARTY_ASKED = "consultation_started", "征求第三方意见"
        THIRD_PARTY_ANSWERED = "consultation_ended", "收到第三方意见"
        EXTENDED = "extended", "延长答复期限"
        REPLIED = "replied", "答复"
        WITHDRAWN = "withdrawn", "撤回申请"
        REMINDED = "reminded", "到期提醒"
        ESCALATED = "escalated", "超期督办"
        QUERY_CODE_REISSUED = "new_code", "重新发放查询码"
        DEADLINE_SETTLED = "settled", "预估期限按正式日历确定"

    request = models.ForeignKey(
        InformationRequest, verbose_name="申请", on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField("环节", max_length=24, choices=Kind)

    objects = InformationRequestEventQuerySet.as_manager()

    class Meta(HandlingEvent.Meta):
        verbose_name_plural = "依申请公开办理记录"

    def __str__(self):
        return f"{self.request.tracking_number} {self.get_kind_display()}"


class InformationRequestAttachment(Attachment):
    """A file disclosed to the applicant with the reply."""

    request = models.ForeignKey(
        InformationRequest,
        verbose_name="申请",
        on_delete=models.PROTECT,
        related_name="attachments",
    )

    class Meta(Attachment.Meta):
        verbose_name = "答复附件"
        verbose_name_plural = "答复附件"


class SupportingDocument(PrivateAttachment):
    """A file the applicant sent with the application (ID copy, power of attorney, a document
    describing the information sought): for the office only, never public. The files disclosed
    with the reply are InformationRequestAttachment."""

    request = models.ForeignKey(
        InformationRequest,
        verbose_name="申请",
        on_delete=models.PROTECT,
        related_name="supporting_documents",
    )

    class Meta(PrivateAttachment.Meta):
        verbose_name = "申请材料"
        verbose_name_plural = "申请材料"


class RequestAppeal(models.Model):
    """A 行政复议 or 行政诉讼 brought against the handling of a request, with its outcome."""

    class Kind(models.TextChoices):
        REVIEW = "review", "行政复议"
        LAWSUIT = "lawsuit", "行政诉讼（未经复议直接起诉）"
        LAWSUIT_AFTER_REVIEW = "lawsuit_after_review", "行政诉讼（复议后起诉）"

    class Outcome(models.TextChoices):
        UPHELD = "upheld", "结果维持"
        CORRECTED = "corrected", "结果纠正"
        OTHER = "other", "其他结果"
        PENDING = "pending", "尚未审结"

    request = models.ForeignKey(
        InformationRequest,
        verbose_name="申请",
        on_delete=models.PROTECT,
        related_name="appeals",
        null=True,
        blank=True,
        help_text="针对某件依申请公开的复议或诉讼时选择",
    )
    kind = models.CharField("类型", max_length=22, choices=Kind)
    filed_on = models.DateField("受理或立案日期")
    authority = models.CharField("复议机关或法院", max_length=60)
    case_number = models.CharField("案号", max_length=60, blank=True)
    outcome = models.CharField("结果", max_length=10, choices=Outcome, default=Outcome.PENDING)
    decided_on = models.DateField("审结日期", null=True, blank=True)
    note = models.TextField("备注", blank=True)

    class Meta:
        verbose_name = "行政复议和行政诉讼"
        verbose_name_plural = "行政复议和行政诉讼"
        ordering = ["-filed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="pending") | Q(decided_on__isnull=False),
                name="requestappeal_decided_has_date",
                violation_error_message="已审结的案件必须填写审结日期",
                violation_error_code="decided_on_missing",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.case_number or self.filed_on}"

    def outcome_in(self, year):
        """Return the outcome as it stood at the end of year (尚未审结 if decided later)."""
        if self.decided_on is None or self.decided_on > date(year, 12, 31):
            return self.Outcome.PENDING
        return self.outcome

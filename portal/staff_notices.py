"""Notices to staff: work finds its owner. The one table of which event reaches whom.

Every workflow step is logged by `portal.transitions.Transitions.log`, which calls
`notify_event(record, kind, by=…, note=…)`. Here, and only here, an event kind (the verb: the
event row's `kind`, e.g. "submitted", "returned") is mapped to its recipients and its wording, so
a new model whose events use these verbs gets notices without more code. Sweeps that are not
transitions (the column-freshness warning) call `notify_event` themselves.

Each recipient gets a `StaffNotice` row, written inside the transaction of the step: it shows in
the admin's notice list at once after the commit, whatever happens to the mail. The mail waits
for the commit (the task `portal.tasks.send_staff_notices`); `deliver()` records it as sent only
when the backend took it, as not deliverable when the account has no e-mail address (or nobody
holds the role that should receive a reminder), or as failed with the SMTP error. The sweeps call
`deliver_due()` on their next run, which tries every undelivered notice again, and also those a
worker took (发送中) but never finished, once `StaffNotice.SENDING_LEASE` has run out.

What a record may declare (all optional):
- `review_permission`: who reviews it ("disclosure.review_item"); Reviewable gives
  "<app>.review_<model>". Models without it send no review notices.
- `handler_permission`: who answers it and is reminded of its deadline; scoped to the record's
  `department` unless the holder's role spans departments. `assignee` is added when set.
- `author` / `replied_by`: the drafter told of a return or an approval.
"""

import logging
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import models, transaction
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from . import roles
from .models import StaffNotice

logger = logging.getLogger(__name__)

NO_RECIPIENT = "没有应接收此通知的在职工作人员账号"
NO_ADDRESS = "账号“{user}”未填写电子邮箱，仅在管理后台通知"
INACTIVE = "账号“{user}”已停用"

# The drafter of a record: who wrote the draft (Reviewable) or the reply (Message).
DRAFTER_FIELDS = ("author", "replied_by")


# Recipients ---------------------------------------------------------------------------------
def _users():
    return get_user_model().objects.filter(is_active=True)


def _holders(permission):
    """Return the active staff holding permission through their roles (not superusers)."""
    return get_user_model().objects.with_perm(
        permission, include_superusers=False, backend="django.contrib.auth.backends.ModelBackend"
    )


def reviewers(record):
    """Return the staff who may review record (its review_permission), none if it has none."""
    permission = getattr(record, "review_permission", None)
    if not permission:
        return []
    return list(_holders(permission))


def drafter(record):
    """Return the member of staff who drafted record, as a one-element list (or empty)."""
    for field in DRAFTER_FIELDS:
        user = getattr(record, field, None)
        if user is not None:
            return [user]
    return []


def revision_author(record):
    """Return who wrote record's latest correction (修改稿), as a one-element list (or empty)."""
    revisions = getattr(record, "revisions", None)
    latest = revisions.select_related("author").order_by("-pk").first() if revisions else None
    return [latest.author] if latest is not None and latest.author is not None else []


def assignee(record):
    """Return the member of staff record is assigned to (or nobody)."""
    user = getattr(record, "assignee", None)
    return [user] if user is not None else []


def handlers(record):
    """Return who answers record: holders of its handler_permission in its department (or
    bureau-wide roles), and its assignee."""
    permission = getattr(record, "handler_permission", None)
    users = []
    if permission:
        found = _holders(permission)
        department_id = getattr(record, "department_id", None)
        if department_id is not None:
            found = found.filter(
                models.Q(department_id=department_id)
                | models.Q(groups__name__in=roles.CROSS_DEPARTMENT_ROLES)
            )
        users = list(found.distinct())
    return users + assignee(record)


def leadership_and_office(record):
    """Return the 局领导 and the 政务公开办 (escalations of overdue work)."""
    return list(
        _users().filter(groups__name__in=[roles.LEADERSHIP, roles.DISCLOSURE_OFFICE]).distinct()
    )


def column_department_staff(record):
    """Return a column's department staff: its 科室负责人 and 信息员."""
    return list(
        _users()
        .filter(
            groups__name__in=[roles.DEPARTMENT_HEAD, roles.OFFICER],
            department_id=getattr(record, "department_id", None),
        )
        .distinct()
    )


def column_staff(record):
    """Return a column's department staff and the 政务公开办 (a column gone stale)."""
    office = _users().filter(groups__name=roles.DISCLOSURE_OFFICE).distinct()
    return column_department_staff(record) + list(office)  # notify_event drops repeats


@dataclass(frozen=True)
class Verb:
    label: str  # the notice's headline
    recipients: object  # record -> users
    text: str  # the body; {actor} {kind} {record} {note}
    # A reminder must reach someone: with no recipient at all, a row says so (not deliverable).
    must_reach_someone: bool = False


# The one table: event kind → recipients and wording.
VERBS = {
    "submitted": Verb("待审核", reviewers, "{actor}提交了{kind}“{record}”，请审核。"),
    "replied": Verb("待审核答复", reviewers, "{actor}答复了{kind}“{record}”，请审核答复并公开。"),
    "returned": Verb(
        "已退回", drafter, "您起草的{kind}“{record}”被{actor}退回修改。\n退回理由：{note}"
    ),
    "approved": Verb("已审核通过", drafter, "您起草的{kind}“{record}”已由{actor}审核通过。"),
    "rev_submit": Verb(
        "修改稿待审核", reviewers, "{actor}提交了{kind}“{record}”的修改稿，请审核。"
    ),
    "rev_return": Verb(
        "修改稿已退回",
        revision_author,
        "您对{kind}“{record}”的修改稿被{actor}退回，已发布的版本不变。\n退回理由：{note}",
    ),
    "rev_approve": Verb(
        "修改稿已发布", revision_author, "您对{kind}“{record}”的修改已由{actor}审核发布。"
    ),
    "assigned": Verb("交您办理", assignee, "{actor}将{kind}“{record}”交由您办理。{note}"),
    "transferred": Verb("转来办理", handlers, "{kind}“{record}”已转办到本科室办理。\n{note}"),
    "reopened": Verb("重新办理", handlers, "{kind}“{record}”需要重新办理。{note}"),
    "reminded": Verb(
        "即将到期",
        handlers,
        "{kind}“{record}”即将到期，请抓紧办理。{note}",
        must_reach_someone=True,
    ),
    "escalated": Verb(
        "已超期督办",
        leadership_and_office,
        "{kind}“{record}”已超过办理期限，尚未办结。{note}",
        must_reach_someone=True,
    ),
    "stale_soon": Verb("栏目即将超期", column_department_staff, "{note}", must_reach_someone=True),
    "stale": Verb("栏目超期未更新", column_staff, "{note}", must_reach_someone=True),
}


# The verbs of deadline sweeps: their notices' mail is counted and retried by each run.
REMINDER_VERBS = ("reminded", "escalated")


def with_undelivered_reminders(queryset):
    """Return the rows of queryset with a reminder or escalation whose mail did not go out
    (the admin queues' filter 提醒未送达)."""
    ids = (
        StaffNotice.objects.undelivered()
        .filter(verb__in=REMINDER_VERBS, case_type=queryset.model._meta.label_lower)
        .values("case_id")
    )
    return queryset.filter(pk__in=ids)


# Writing notices ----------------------------------------------------------------------------
def admin_url(record):
    """Return the admin change page of record ("" when it has none)."""
    meta = record._meta
    try:
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk])
    except NoReverseMatch:
        return ""


def _body(record, verb, spec, *, by, note):
    """Return the notice's text: the record's own template if it has one
    (`<app>/staff_notices/<model>_<verb>.txt`, context: record, actor, note), else the verb's."""
    actor = by.get_full_name() if by is not None else "系统"
    meta = record._meta
    try:
        template = get_template(f"{meta.app_label}/staff_notices/{meta.model_name}_{verb}.txt")
    except TemplateDoesNotExist:
        return spec.text.format(
            actor=actor, kind=meta.verbose_name, record=record, note=note
        ).strip()
    return template.render({"record": record, "actor": actor, "note": note}).strip()


def notify_event(record, verb, *, by=None, note="", now=None) -> list[StaffNotice]:
    """Record a notice of the event verb on record for each of its recipients (not the actor)
    and mail them after the commit. Return the notices written (none for a verb not listed)."""
    spec = VERBS.get(verb)
    if spec is None:
        return []
    now = now or timezone.now()
    recipients = {user.pk: user for user in spec.recipients(record) if user.is_active}
    if by is not None:
        recipients.pop(by.pk, None)
    if not recipients and not spec.must_reach_someone:
        return []
    kind = record._meta.verbose_name
    title = f"【{spec.label}】{kind}：{record}"[:200]
    body = _body(record, verb, spec, by=by, note=note)
    common = {
        "verb": verb,
        "case_type": record._meta.label_lower,
        "case_id": record.pk,
        "title": title,
        "body": body,
        "url": admin_url(record),
        "created_at": now,
    }
    if recipients:
        rows = [StaffNotice(recipient=user, **common) for user in recipients.values()]
    else:
        rows = [
            StaffNotice(
                recipient=None,
                mail_status=StaffNotice.MailStatus.UNDELIVERABLE,
                mail_error=NO_RECIPIENT,
                **common,
            )
        ]
    notices = StaffNotice.objects.bulk_create(rows)
    ids = [notice.pk for notice in notices if notice.recipient_id is not None]
    if ids:
        from .tasks import send_staff_notices

        transaction.on_commit(lambda: send_staff_notices.enqueue(notice_ids=ids))
    return notices


# Mail -----------------------------------------------------------------------------------------
def _claim(notice_id):
    """Take the notice for sending (one conditional UPDATE: two workers never both send it).

    A notice 发送中 is taken only once its worker's lease has run out: the UPDATE re-reads the
    start time, so of two sweeps finding the same abandoned notice only the first takes it.
    The lease is read on the clock, never on a `now` passed in: a sweep that has run for a
    while must not stamp (or judge) a claim with the time it started."""
    now = timezone.now()
    return (
        StaffNotice.objects.filter(pk=notice_id)
        .claimable(now=now)
        .update(mail_status=StaffNotice.MailStatus.SENDING, sending_started_at=now)
    )


def _find_recipients_again(notice):
    """A notice that found nobody: look again (an account may have been given the role since);
    write notices for those found and drop the placeholder. Return the new notices."""
    try:
        model = apps.get_model(notice.case_type)
        record = model._default_manager.get(pk=notice.case_id)
    except (LookupError, ValueError, models.ObjectDoesNotExist):
        return []
    spec = VERBS[notice.verb]
    users = {user.pk: user for user in spec.recipients(record) if user.is_active}
    if not users:
        return []
    fields = ["verb", "case_type", "case_id", "title", "body", "url", "created_at"]
    common = {name: getattr(notice, name) for name in fields}
    created = StaffNotice.objects.bulk_create(
        [StaffNotice(recipient=user, **common) for user in users.values()]
    )
    notice.delete()
    return created


def deliver(notice_id: int) -> list[StaffNotice]:
    """Mail one notice now and record the outcome; return the notices it concerned (a
    placeholder without recipient may become several). A notice another worker is sending
    (within StaffNotice.SENDING_LEASE) is left alone."""
    if not _claim(notice_id):
        return list(StaffNotice.objects.filter(pk=notice_id))
    notice = StaffNotice.objects.select_related("recipient").get(pk=notice_id)
    if notice.recipient is None:
        found = _find_recipients_again(notice)
        if not found:
            notice.mark_undeliverable(NO_RECIPIENT)
            return [notice]
        return [n for new in found for n in deliver(new.pk)]
    user = notice.recipient
    if not user.is_active:
        notice.mark_undeliverable(INACTIVE.format(user=user.username))
    elif not user.email:
        notice.mark_undeliverable(NO_ADDRESS.format(user=user.username))
    else:
        link = notice.url and f"\n\n办理地址：{getattr(settings, 'SITE_URL', '')}{notice.url}"
        try:
            send_mail(notice.title, notice.body + link, settings.DEFAULT_FROM_EMAIL, [user.email])
        except Exception as exc:
            logger.exception("Staff notice %s could not be mailed", notice.pk)
            notice.mark_failed(exc)
        else:
            notice.mark_sent(now=timezone.now())
    return [notice]


def deliver_due(*, verbs=None, case_type=None) -> dict:
    """Mail every notice still waiting or undelivered (of verbs, about case_type if given),
    and those a stopped worker left 发送中.

    Return {"sent": n, "undelivered": n, "reasons": {reason: n}}: what the mail really did.
    """
    notices = StaffNotice.objects.due_for_delivery()
    if verbs is not None:
        notices = notices.filter(verb__in=verbs)
    if case_type is not None:
        notices = notices.filter(case_type=case_type)
    counts = {"sent": 0, "undelivered": 0, "reasons": {}}
    for notice_id in list(notices.order_by("pk").values_list("pk", flat=True)):
        for notice in deliver(notice_id):
            if notice.mail_status == StaffNotice.MailStatus.SENT:
                counts["sent"] += 1
            elif notice.mail_status != StaffNotice.MailStatus.SENDING:
                counts["undelivered"] += 1
                reason = reason_label(notice)
                counts["reasons"][reason] = counts["reasons"].get(reason, 0) + 1
    return counts


def deliver_due_reminders(model) -> dict:
    """Mail the reminders and escalations about model's rows still waiting or undelivered (each
    sweep's last step, so that a run's counts say what the mail really did)."""
    return deliver_due(verbs=REMINDER_VERBS, case_type=model._meta.label_lower)


def reason_label(notice) -> str:
    """Return why a notice's mail did not go out, without the account's name (for counts)."""
    if notice.recipient_id is None:
        return NO_RECIPIENT
    if notice.mail_status == StaffNotice.MailStatus.FAILED:
        return "邮件服务器发送失败"
    if notice.mail_error.endswith("已停用"):
        return "账号已停用"
    return "账号未填写电子邮箱"


def summary(counts) -> str:
    """Return the sentence a sweep prints about its mail: sent and not delivered, with why."""
    text = f"邮件送达 {counts['sent']} 封，未送达 {counts['undelivered']} 封"
    if counts["reasons"]:
        text += "（" + "；".join(f"{r} {n} 封" for r, n in counts["reasons"].items()) + "）"
    return text

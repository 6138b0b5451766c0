"""我的待办: what waits for each member of staff, on the admin's landing page.

One table (`SECTIONS`) says which rows each role finds there. Every row set is a named QuerySet
method of its model (`pending_review()`, `overdue()`, `returned_to()` …) applied to the model's
`visible_to(user)` where it has one, so a departmental role sees only its department's rows, as in
the admin queues. Models are named by label, not imported: portal does not import the feature apps
(they depend on portal), and a model missing from a deployment is skipped.

Each source costs one query (its first rows, and a count only when there are more than shown);
the navigation's counts are one query for all sources together (`nav_counts`).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from . import roles
from .models import StaffNotice

SHOWN = 8  # rows listed per source; the rest are counted and reached through the queue


def _when(value):
    return f"{timezone.localtime(value):%m-%d %H:%M}" if isinstance(value, datetime) else ""


def _is_revision(row, status):
    return getattr(row, "open_revision_status", None) == status


def submitted(row, now):
    if _is_revision(row, "pending"):
        return "已发布内容的修改稿待审核（审核发布前公众看到的仍是原版本）"
    return f"{row.author or '—'} {_when(row.submitted_at)} 提交"


def returned(row, now):
    if _is_revision(row, "returned"):
        return "修改稿被退回（已发布的版本不变），退回理由见编辑页顶部"
    return (
        f"{_when(row.reviewed_at)} 被{row.reviewer or '审核员'}退回。退回理由：{row.status_reason}"
    )


def replied(row, now):
    return f"{row.replied_by or '—'} {_when(row.replied_at)} 答复，待审核公开"


def message_deadline(row, now):
    due = f"{timezone.localtime(row.reply_due_at):%Y-%m-%d %H:%M}"  # as lateness_note writes it
    return row.lateness_note(now=now) or f"答复期限{due}"


def request_deadline(row, now):
    note = row.lateness_note(today=timezone.localdate(now))
    if note:
        return note
    if row.due_on is None:
        return row.get_status_display()
    return f"{row.get_status_display()}，答复期限{row.due_on:%Y-%m-%d}"


@dataclass(frozen=True)
class Source:
    model: str  # "app_label.ModelName"
    rows: object  # (queryset visible to the user, user, now) -> queryset
    detail: object  # (row, now) -> the line shown under the row's title
    perm: str = ""  # the permission that makes the rows the user's work
    roles: tuple = ()  # or the roles whose work they are
    related: tuple = ()  # select_related for title and detail

    def applies_to(self, user):
        if self.roles and not any(user.has_role(role) for role in self.roles):
            return False
        return not self.perm or user.has_perm(self.perm)

    def queryset(self, user, now):
        model = apps.get_model(self.model)
        rows = model._default_manager.all()
        if hasattr(rows, "visible_to"):
            rows = rows.visible_to(user)
        return self.rows(rows, user, now)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    help: str
    sources: tuple
    is_counted: bool = True  # in the navigation's count (due-soon rows are also "to answer")


def _reviewable(label, perm):
    return Source(
        label,
        lambda qs, u, n: qs.awaiting_review().with_open_revision_status(),
        submitted,
        perm,
        related=("author",),
    )


def _returned(label, perm):
    return Source(
        label,
        lambda qs, u, n: qs.returned_to(u).with_open_revision_status(),
        returned,
        perm,
        related=("reviewer",),
    )


HEADS_OFFICE_LEADERS = (roles.DEPARTMENT_HEAD, roles.DISCLOSURE_OFFICE, roles.LEADERSHIP)

SECTIONS = (
    Section(
        "review",
        "待我审核",
        "已提交审核、等待保密审查和审核发布的内容，以及待审核公开的留言答复",
        (
            _reviewable("disclosure.Item", "disclosure.review_item"),
            _reviewable("services.ServiceGuide", "services.review_serviceguide"),
            _reviewable("complaints.Consultation", "complaints.review_consultation"),
            Source(
                "complaints.Message",
                lambda qs, u, n: qs.awaiting_review(),
                replied,
                "complaints.review_reply",
                related=("replied_by",),
            ),
        ),
    ),
    Section(
        "returned",
        "退回给我",
        "我起草、被审核员退回修改的内容（附退回理由）",
        (
            _returned("disclosure.Item", "disclosure.submit_item"),
            _returned("services.ServiceGuide", "services.submit_serviceguide"),
            _returned("complaints.Consultation", "complaints.submit_consultation"),
        ),
    ),
    Section(
        "answer",
        "待我办理",
        "分送本科室或指定由我承办的留言，待办理的依申请公开",
        (
            Source(
                "complaints.Message",
                lambda qs, u, n: qs.open(),
                message_deadline,
                roles=(roles.DEPARTMENT_HEAD,),
            ),
            Source(
                "complaints.Message",
                lambda qs, u, n: qs.open().assigned_to(u),
                message_deadline,
                roles=(roles.OFFICER,),
            ),
            Source(
                "disclosure.InformationRequest",
                lambda qs, u, n: qs.pending(),
                request_deadline,
                "disclosure.handle_informationrequest",
            ),
        ),
    ),
    Section(
        "overdue",
        "已超期",
        "已超过答复期限仍未办结的事项",
        (
            Source(
                "complaints.Message",
                lambda qs, u, n: qs.overdue(now=n),
                message_deadline,
                roles=HEADS_OFFICE_LEADERS,
            ),
            Source(
                "complaints.Message",
                lambda qs, u, n: qs.overdue(now=n).assigned_to(u),
                message_deadline,
                roles=(roles.OFFICER,),
            ),
            Source(
                "disclosure.InformationRequest",
                lambda qs, u, n: qs.overdue(today=timezone.localdate(n)),
                request_deadline,
                roles=(roles.DISCLOSURE_OFFICE, roles.LEADERSHIP),
            ),
        ),
    ),
    Section(
        "due_soon",
        "即将到期",
        "留言已过答复时限的75%（不足6小时），依申请公开不足5个工作日",
        (
            Source(
                "complaints.Message",
                lambda qs, u, n: qs.due_soon(now=n),
                message_deadline,
                roles=(roles.DEPARTMENT_HEAD, roles.DISCLOSURE_OFFICE),
            ),
            Source(
                "complaints.Message",
                lambda qs, u, n: qs.due_soon(now=n).assigned_to(u),
                message_deadline,
                roles=(roles.OFFICER,),
            ),
            Source(
                "disclosure.InformationRequest",
                lambda qs, u, n: qs.near_deadline(today=timezone.localdate(n)),
                request_deadline,
                "disclosure.handle_informationrequest",
            ),
        ),
        is_counted=False,
    ),
)


@dataclass
class Entry:
    title: str
    url: str
    kind: str
    detail: str


@dataclass
class Group:
    key: str
    title: str
    help: str
    count: int = 0
    entries: list = field(default_factory=list)
    queues: list = field(default_factory=list)  # (label, changelist URL, count) per source


def _installed(source):
    try:
        apps.get_model(source.model)
    except LookupError:
        return False
    return True


def _sources(section, user):
    return [s for s in section.sources if _installed(s) and s.applies_to(user)]


def _url(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def worklist(user, *, now=None) -> list[Group]:
    """Return the sections of user's 我的待办 that apply to their roles, with their rows."""
    now = now or timezone.now()
    groups = []
    for section in SECTIONS:
        sources = _sources(section, user)
        if not sources:
            continue
        group = Group(section.key, section.title, section.help)
        for source in sources:
            queryset = source.queryset(user, now)
            if source.related:
                queryset = queryset.select_related(*source.related)
            rows = list(queryset[: SHOWN + 1])
            count = len(rows) if len(rows) <= SHOWN else queryset.count()
            meta = queryset.model._meta
            for row in rows[:SHOWN]:
                group.entries.append(
                    Entry(
                        title=str(row),
                        url=_url(f"admin:{meta.app_label}_{meta.model_name}_change", row.pk),
                        kind=meta.verbose_name,
                        detail=source.detail(row, now),
                    )
                )
            if count > SHOWN:
                changelist = _url(f"admin:{meta.app_label}_{meta.model_name}_changelist")
                group.queues.append((meta.verbose_name, changelist, count - SHOWN))
            group.count += count
        groups.append(group)
    return groups


def _count(queryset):
    """A scalar subquery counting queryset's rows (for one query over every source)."""
    rows = queryset.order_by().annotate(one=Value(1)).values("one").annotate(n=Count("pk"))
    return Coalesce(Subquery(rows.values("n")[:1], output_field=IntegerField()), 0)


def nav_counts(user, *, now=None) -> dict:
    """Return {"todo": rows waiting in the counted sections, "overdue": …, "unread": notices}
    for the admin's navigation, in one query."""
    now = now or timezone.now()
    expressions = {"unread": _count(StaffNotice.objects.for_user(user).unread())}
    todo, overdue = [], []
    for section in SECTIONS:
        if not (section.is_counted or section.key == "overdue"):
            continue
        for index, source in enumerate(_sources(section, user)):
            name = f"{section.key}_{index}"
            expressions[name] = _count(source.queryset(user, now))
            (overdue if section.key == "overdue" else todo).append(name)
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(**expressions)
        .values(*expressions)
        .first()
    ) or dict.fromkeys(expressions, 0)
    return {
        "todo": sum(row[name] for name in todo),
        "overdue": sum(row[name] for name in overdue),
        "unread": row["unread"],
    }

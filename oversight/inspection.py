"""网站自查: the site checked the way 国办秘函〔2019〕19号 (政府网站检查指标) checks it.

A veto item (单项否决) fails the site; otherwise the score is 100 minus the deductions (扣分). Each
rule below reads the figure from its one home (column freshness from oversight.services, open
messages from MessageQuerySet, guide elements from ServiceGuide.missing_elements(), content
findings from ContentFindingQuerySet, identity from SiteSettings.missing_identity_elements()),
and the walk of oversight.linkcheck supplies what only a crawler sees: pages that do not answer,
dead links and attachments, item pages without a date, whether search finds a published title.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from disclosure.models import Item
from portal import search as site_search
from portal.models import ContentFinding, SiteSettings

from . import linkcheck, services
from .models import InspectionFinding, SiteInspection

VETO = InspectionFinding.Severity.VETO
DEDUCTION = InspectionFinding.Severity.DEDUCTION
WARNING = InspectionFinding.Severity.WARNING

FULL_SCORE = Decimal(100)

# 单项否决指标 --------------------------------------------------------------------------------
INDICATOR_UNAVAILABLE = "单项否决·站点无法访问"
INDICATOR_NOT_UPDATED = "单项否决·网站不更新（首页栏目信息超过2周未更新）"
INDICATOR_COLUMN_STALE = "单项否决·栏目不更新"
INDICATOR_SERIOUS_ERROR = "单项否决·严重错误（严重表述错误、违法违规内容）"
INDICATOR_INTERACTION = "单项否决·互动回应差（超过3个月未回应）"
INDICATOR_SERVICE = "单项否决·服务不实用（办事指南要素缺失）"
STALE_COLUMN_VETO_COUNT = (
    5  # 空白栏目或应更新未更新栏目达到5个即否决 (issue 19 reads the rule as ≥ 5)
)
UNANSWERED_VETO_MONTHS = 3  # a 政民互动 message unanswered for 3 months
UNANSWERED_WARNING_DAYS = 7  # warn a week before a message reaches 3 months
# Columns that are veto items on their own when stale, by the indicator's column kinds:
# 动态、要闻类 2 weeks; 通知公告、政策文件类 6 months (their update_days carry the period).
VETO_COLUMNS = {
    "zwdt": "动态、要闻类栏目超过2周未更新",
    "tzgg": "通知公告类栏目超过6个月未更新",
    "zcwj": "政策文件类栏目超过6个月未更新",
}

# 扣分指标 ------------------------------------------------------------------------------------
INDICATOR_LINKS = "扣分·可用性（链接可用性：不可用链接）"
INDICATOR_UNDATED = "扣分·信息发布（页面缺少发布日期）"
INDICATOR_IDENTITY = "扣分·网站标识（首页底部功能区标识要素）"
INDICATOR_LATE_REPLY = "扣分·互动回应（留言未按承诺时限答复）"
INDICATOR_SEARCH = "扣分·服务实用（站内搜索不可用）"
DEAD_LINK_POINTS = Decimal("1")  # each dead internal link or attachment
DEAD_LINK_MAX = Decimal("10")
UNDATED_PAGE_POINTS = Decimal("1")  # each item page without its publication date
UNDATED_PAGE_MAX = Decimal("5")
IDENTITY_POINTS = Decimal("1")  # each missing identity element
LATE_REPLY_POINTS = Decimal("1")  # each reply later than the 24-hour promise in the last year
LATE_REPLY_MAX = Decimal("5")
LATE_REPLY_WINDOW_DAYS = 365  # 监测时间点前1年内
SEARCH_POINTS = Decimal("5")

# 预警 ---------------------------------------------------------------------------------------
INDICATOR_WARNING = "预警（即将构成单项否决）"
INDICATOR_EXTERNAL = "提示·外部链接"


@dataclass
class Finding:
    rule: str
    indicator: str
    severity: str
    message: str
    points: Decimal = Decimal(0)
    target: str = ""
    page_url: str = ""
    fix_url: str = ""


def admin_url(name, *args):
    """Return the admin page where a finding is fixed, or "" if it is not installed."""
    try:
        return reverse(f"admin:{name}", args=args)
    except NoReverseMatch:
        return ""


def months_before(moment, months):
    """Return the same local day and time `months` calendar months before `moment`."""
    local = timezone.localtime(moment)
    month_index = local.year * 12 + local.month - 1 - months
    year, month = divmod(month_index, 12)
    for day in range(local.day, 0, -1):
        try:
            return local.replace(year=year, month=month + 1, day=day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


# Rules that read the data -----------------------------------------------------------------
def freshness_findings(*, today):
    """Homepage and columns: veto items when stale or empty, warnings 3 days before."""
    findings = []
    board = admin_url("oversight_columnfreshness_changelist")
    rows = services.column_freshness(today=today)
    columns = [row for row in rows if not row.is_homepage]
    for row in rows:
        fix = (
            admin_url("disclosure_category_change", row.category.pk) if not row.is_homepage else ""
        )
        fix = fix or board
        if row.is_homepage and row.status == services.RED:
            findings.append(
                Finding(
                    "homepage_stale",
                    INDICATOR_NOT_UPDATED,
                    VETO,
                    f"网站首页要闻已{row.days_since or '很多'}天未更新（应每2周至少更新一次）",
                    target="homepage",
                    page_url="/",
                    fix_url=fix,
                )
            )
        elif (
            not row.is_homepage
            and row.status == services.RED
            and row.category.slug in (VETO_COLUMNS)
        ):
            findings.append(
                Finding(
                    "column_stale",
                    INDICATOR_COLUMN_STALE,
                    VETO,
                    f"“{row.name}”{VETO_COLUMNS[row.category.slug]}"
                    + ("（空白栏目）" if row.last_published_on is None else ""),
                    target=f"column:{row.category.slug}",
                    page_url=row.category.get_absolute_url(),
                    fix_url=fix,
                )
            )
        elif row.status == services.AMBER:
            findings.append(
                Finding(
                    "column_due_soon",
                    INDICATOR_WARNING,
                    WARNING,
                    f"“{row.name}”将于{row.due_on:%Y年%m月%d日}超期未更新（还剩{row.days_left}天）",
                    target=f"column:{row.category.slug}",
                    page_url="/" if row.is_homepage else row.category.get_absolute_url(),
                    fix_url=fix,
                )
            )
    red = [row for row in columns if row.status == services.RED]
    if len(red) >= STALE_COLUMN_VETO_COUNT:
        findings.append(
            Finding(
                "columns_stale_count",
                INDICATOR_COLUMN_STALE,
                VETO,
                f"空白或超期未更新栏目{len(red)}个（达到{STALE_COLUMN_VETO_COUNT}个即否决）："
                + "、".join(row.name for row in red),
                target="columns",
                fix_url=board,
            )
        )
    elif len(red) == STALE_COLUMN_VETO_COUNT - 1 or (
        len(red) + sum(row.status == services.AMBER for row in columns) >= STALE_COLUMN_VETO_COUNT
    ):
        findings.append(
            Finding(
                "columns_stale_count_near",
                INDICATOR_WARNING,
                WARNING,
                f"空白或超期未更新栏目已有{len(red)}个，即将超期的"
                f"{sum(row.status == services.AMBER for row in columns)}个；"
                f"达到{STALE_COLUMN_VETO_COUNT}个即单项否决",
                target="columns",
                fix_url=board,
            )
        )
    return findings


def message_findings(*, now):
    """Messages unanswered for 3 months (veto), a week before (warning), late replies."""
    from complaints.models import Message  # noqa: PLC0415  (oversight reads the desk)

    findings = []
    limit = months_before(now, UNANSWERED_VETO_MONTHS)
    open_messages = Message.objects.open()
    for message in open_messages.filter(received_at__lt=limit).order_by("received_at"):
        findings.append(
            Finding(
                "message_unanswered",
                INDICATOR_INTERACTION,
                VETO,
                f"留言{message.tracking_number}“{message.subject}”"
                f"自{timezone.localtime(message.received_at):%Y年%m月%d日}受理，超过3个月未答复",
                target=f"message:{message.pk}",
                fix_url=admin_url("complaints_message_change", message.pk),
            )
        )
    soon = open_messages.filter(
        received_at__gte=limit, received_at__lt=limit + timedelta(days=UNANSWERED_WARNING_DAYS)
    )
    for message in soon.order_by("received_at"):
        veto_on = months_before(timezone.localtime(message.received_at), -UNANSWERED_VETO_MONTHS)
        findings.append(
            Finding(
                "message_near_three_months",
                INDICATOR_WARNING,
                WARNING,
                f"留言{message.tracking_number}“{message.subject}”将于"
                f"{veto_on:%Y年%m月%d日}满3个月未答复",
                target=f"message:{message.pk}",
                fix_url=admin_url("complaints_message_change", message.pk),
            )
        )
    figures = Message.objects.received_in(
        now - timedelta(days=LATE_REPLY_WINDOW_DAYS), now
    ).figures()
    late = figures["replied_count"] - figures["on_time_count"]
    if late:
        findings.append(
            Finding(
                "replies_late",
                INDICATOR_LATE_REPLY,
                DEDUCTION,
                f"近一年有{late}条留言未在24小时内答复",
                points=min(LATE_REPLY_POINTS * late, LATE_REPLY_MAX),
                target="replies",
                fix_url=admin_url("complaints_message_changelist"),
            )
        )
    return findings


def guide_findings():
    """Published service guides missing a key element (veto)."""
    from services.models import ServiceGuide  # noqa: PLC0415

    findings = []
    for guide in ServiceGuide.objects.published().with_element_flags().order_by("pk"):
        missing = guide.missing_elements()
        if missing:
            findings.append(
                Finding(
                    "guide_incomplete",
                    INDICATOR_SERVICE,
                    VETO,
                    f"办事指南“{guide.name}”缺少要素：{'、'.join(missing)}",
                    target=f"guide:{guide.pk}",
                    page_url=guide.get_absolute_url(),
                    fix_url=admin_url("services_serviceguide_change", guide.pk),
                )
            )
    return findings


def content_findings():
    """Unresolved blocking content-safety findings on public text (veto)."""
    findings = []
    for row in ContentFinding.objects.unresolved().blocking().order_by("pk"):
        findings.append(
            Finding(
                "content_blocking",
                INDICATOR_SERIOUS_ERROR,
                VETO,
                f"“{row.object_title or row.object_id}”"
                f"{row.get_category_display()}：“{row.matched}”"
                + (f"（应为“{row.suggestion}”）" if row.suggestion else ""),
                target=f"content:{row.content_type_id}:{row.object_id}:{row.term}",
                fix_url=admin_url("portal_contentfinding_change", row.pk),
            )
        )
    return findings


def identity_findings():
    """Identity elements of the footer that are missing (one deduction each)."""
    fix = admin_url("portal_sitesettings_changelist")
    return [
        Finding(
            "identity_missing",
            INDICATOR_IDENTITY,
            DEDUCTION,
            f"网站未设置{label}",
            points=IDENTITY_POINTS,
            target=f"identity:{label}",
            page_url="/",
            fix_url=fix,
        )
        for label in SiteSettings.load().missing_identity_elements()
    ]


# Rules that need the walk -----------------------------------------------------------------
def walk_findings(walk):
    """Pages that do not answer, dead links and attachments, undated item pages."""
    findings = []
    homepage = walk.status_of("/")
    if homepage is None or homepage >= 400:
        findings.append(
            Finding(
                "homepage_unavailable",
                INDICATOR_UNAVAILABLE,
                VETO,
                f"网站首页无法访问（HTTP {homepage}）",
                target="/",
                page_url="/",
            )
        )
    dead = []
    for visit in walk.broken:
        if visit.url == "/":
            continue
        if visit.status >= 500:
            findings.append(
                Finding(
                    "page_error",
                    INDICATOR_UNAVAILABLE,
                    VETO,
                    f"页面 {visit.url} 无法访问（HTTP {visit.status}），"
                    f"链接所在页面：{visit.source}",
                    target=visit.url,
                    page_url=visit.source,
                )
            )
        else:
            dead.append(visit)
    for number, visit in enumerate(dead):
        kind = "页面" if not linkcheck.is_attachment(visit.url) else "附件"
        findings.append(
            Finding(
                "dead_link",
                INDICATOR_LINKS,
                DEDUCTION,
                f"不可用链接：{kind} {visit.url}（HTTP {visit.status}），所在页面 {visit.source}",
                points=DEAD_LINK_POINTS if DEAD_LINK_POINTS * number < DEAD_LINK_MAX else 0,
                target=visit.url,
                page_url=visit.source,
            )
        )
    undated = [visit for visit in walk.pages if visit.is_undated]
    for number, visit in enumerate(undated):
        findings.append(
            Finding(
                "page_undated",
                INDICATOR_UNDATED,
                DEDUCTION,
                f"信息页面 {visit.url} 未标明发布日期",
                points=UNDATED_PAGE_POINTS
                if UNDATED_PAGE_POINTS * number < UNDATED_PAGE_MAX
                else 0,
                target=visit.url,
                page_url=visit.url,
            )
        )
    if walk.is_limit_reached:
        findings.append(
            Finding(
                "page_limit",
                INDICATOR_EXTERNAL.replace("外部链接", "检查范围"),
                WARNING,
                f"已达到页面上限（{len(walk.visits)}个），其余页面本次未检查",
            )
        )
    if not walk.external:
        return findings
    if not walk.has_checked_external:
        findings.append(
            Finding(
                "external_unchecked",
                INDICATOR_EXTERNAL,
                WARNING,
                f"外部链接{len(walk.external)}个：未检查（网络不可用）",
                target="external",
            )
        )
    for url, source, reason in walk.external_broken:
        findings.append(
            Finding(
                "external_dead",
                INDICATOR_EXTERNAL,
                WARNING,
                f"外部链接 {url} 不可用（{reason}），所在页面 {source}",
                target=url,
                page_url=source,
            )
        )
    return findings


def search_findings(client):
    """Search for the longest word of the newest published title; the item must be found."""
    item = Item.objects.public().order_by("-published_at").only("pk", "title").first()
    if item is None:
        return []
    words = sorted(site_search.words(item.title), key=len, reverse=True)
    word = next((w for w in words if len(w) >= 2), item.title)
    # Newest first: the item must be on the first page whatever else the word matches.
    response = client.get(reverse("search"), {"q": word, "order": "date"})
    url = item.get_absolute_url()
    if response.status_code == 200 and url in response.content.decode():
        return []
    return [
        Finding(
            "search_broken",
            INDICATOR_SEARCH,
            DEDUCTION,
            f"站内搜索“{word}”未找到已发布的“{item.title}”（HTTP {response.status_code}）",
            points=SEARCH_POINTS,
            target="search",
            page_url=f"{reverse('search')}?q={word}",
            fix_url=admin_url("portal_searchentry_changelist"),
        )
    ]


# The run ----------------------------------------------------------------------------------
def score(findings):
    """Return (score, points deducted): 0 with any veto item, else 100 minus the deductions."""
    deducted = sum((f.points for f in findings if f.severity == DEDUCTION), Decimal(0))
    if any(f.severity == VETO for f in findings):
        return Decimal(0), deducted
    return max(FULL_SCORE - deducted, Decimal(0)), deducted


def inspect(*, now=None, limit=None):
    """Walk the site and evaluate every rule; return (walk, findings). Writes nothing."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    client = linkcheck.inspection_client()
    walk = linkcheck.walk_site(limit=limit, client=client)
    findings = [
        *walk_findings(walk),
        *freshness_findings(today=today),
        *message_findings(now=now),
        *guide_findings(),
        *content_findings(),
        *identity_findings(),
        *search_findings(client),
    ]
    return walk, findings


def run_inspection(*, by=None, now=None, limit=None) -> SiteInspection:
    """Run the self-inspection and store it with its findings (网站自查 in the admin)."""
    started_at = timezone.now()
    walk, findings = inspect(now=now, limit=limit)
    total, deducted = score(findings)
    with transaction.atomic():
        inspection = SiteInspection.objects.create(
            started_at=started_at,
            finished_at=timezone.now(),
            started_by=by,
            score=total,
            deducted_points=deducted,
            veto_count=sum(f.severity == VETO for f in findings),
            warning_count=sum(f.severity == WARNING for f in findings),
            page_count=len(walk.pages),
            attachment_count=len(walk.attachments),
            link_count=walk.link_count,
            broken_link_count=len(walk.broken),
            external_link_count=len(walk.external),
            has_checked_external_links=walk.has_checked_external,
            is_page_limit_reached=walk.is_limit_reached,
        )
        InspectionFinding.objects.bulk_create(
            InspectionFinding(
                inspection=inspection,
                rule=f.rule,
                indicator=f.indicator,
                severity=f.severity,
                points=f.points,
                message=f.message[:500],
                target=f.target[:300],
                page_url=f.page_url[:500],
                fix_url=f.fix_url[:500],
            )
            for f in findings
        )
    return inspection


def fixed_count(year):
    """Return how many problems found by the year's runs were gone at the following run."""
    runs = list(SiteInspection.objects.in_year(year).order_by("started_at", "pk"))
    keys = {
        run.pk: set(
            InspectionFinding.objects.filter(inspection=run)
            .exclude(severity=WARNING)
            .values_list("rule", "target")
        )
        for run in runs
    }
    return sum(
        len(keys[earlier.pk] - keys[later.pk])
        for earlier, later in zip(runs, runs[1:], strict=False)
    )

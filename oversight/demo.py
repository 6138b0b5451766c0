"""Demo 考核监督: this year's 任务分解表, monthly targets, column owners and last month's 通报."""

from datetime import date, timedelta

from django.utils import timezone

from disclosure.models import Category
from portal import roles
from portal.figures import month_start, previous_month
from portal.models import Department, User
from portal.publishing import REVIEW_CHECKLIST

from . import services, website_report
from .models import Bulletin, ReportingTarget, Task, WebsiteReport

# (title, basis, lead, co-departments, due month-day, status)
TASKS = [
    (
        "加强政策解读，重要政策文件与解读材料同步起草、同步审签、同步发布",
        "要点第一条",
        "zcfg",
        ["bgs"],
        (3, 31),
        "done",
    ),
    (
        "推进征地信息公开，征收土地预公告、征地补偿安置方案全部上网公开",
        "要点第二条",
        "gdbh",
        ["tdly"],
        (6, 30),
        "in_progress",
    ),
    (
        "规范依申请公开办理，统一受理登记、答复文书格式，按期答复率100%",
        "要点第三条",
        "bgs",
        ["zcfg"],
        (5, 31),
        "in_progress",
    ),
    (
        "做好上年度政府信息公开工作年度报告编制和发布",
        "《条例》第四十九条",
        "bgs",
        [],
        (1, 31),
        "done",
    ),
    (
        "及时公开国有建设用地使用权出让公告和出让结果",
        "要点第二条",
        "tdly",
        [],
        (12, 31),
        "in_progress",
    ),
    ("公开采矿权、探矿权出让和登记信息", "要点第二条", "kczy", [], (9, 30), "not_started"),
    ("公开土地矿产违法案件查处结果", "要点第四条", "zfjc", ["zcfg"], (10, 31), "not_started"),
    ("公开不动产登记办事指南、收费标准和办理时限", "要点第五条", "bdcdj", [], (4, 30), "done"),
    ("开展国土空间规划草案公示和意见征集", "要点第六条", "ghk", ["bgs"], (8, 31), "in_progress"),
    (
        "动态更新政府信息公开目录和公开指南",
        "《条例》第十二条",
        "bgs",
        ["xxzx"],
        (3, 31),
        "in_progress",
    ),
    (
        "落实政务动态、通知公告栏目更新要求，杜绝空白栏目",
        "要点第七条",
        "xxzx",
        ["bgs"],
        (12, 31),
        "in_progress",
    ),
    (
        "政民互动留言按时答复，按月公开办理情况",
        "要点第八条",
        "bgs",
        ["bdcdj"],
        (12, 31),
        "in_progress",
    ),
    (
        "开展全国土地日、国家宪法日政务公开宣传活动",
        "要点第九条",
        "zcfg",
        ["bgs"],
        (12, 4),
        "not_started",
    ),
    ("清理规范性文件，公布现行有效文件目录", "要点第一条", "zcfg", [], (6, 30), "not_started"),
    ("组织信息员政务公开业务培训", "要点第十条", "bgs", ["xxzx"], (5, 31), "done"),
]

# The column each department answers for, where the catalog has not named an owner yet.
COLUMN_OWNERS = {
    "jgzn": "bgs",
    "zcwj": "zcfg",
    "zcjd": "zcfg",
    "zdjc": "bgs",
    "ghjh": "ghk",
    "tdzs": "gdbh",
    "tdgy": "tdly",
    "bdcdj": "bdcdj",
    "kczy": "kczy",
    "zfjc": "zfjc",
    "xzxk": "zcfg",
    "xzcf": "zfjc",
    "czxx": "bgs",
    "rsxx": "bgs",
    "zwdt": "xxzx",
    "tzgg": "bgs",
    "xchd": "zcfg",
    "gkzn": "bgs",
    "gknb": "bgs",
}

# Left unfinished past their due date, so that leadership sees what an overdue task looks like.
KEEP_OVERDUE = {2, 14}

TARGETS = {"bgs": 8, "zcfg": 6, "ghk": 3, "gdbh": 4, "bdcdj": 4, "tdly": 4, "kczy": 2, "zfjc": 2}


def load(*, stdout):
    today = timezone.localdate()
    departments = {d.code: d for d in Department.objects.all()}
    if not departments:
        stdout.write("  没有科室，跳过")
        return

    owners = 0
    for column in Category.objects.filter(slug__in=COLUMN_OWNERS, department__isnull=True):
        department = departments.get(COLUMN_OWNERS[column.slug])
        if department:
            column.department = department
            column.save(update_fields=["department"])
            owners += 1
    stdout.write(f"  栏目责任科室：补充 {owners} 个")

    staff = {
        user.department_id: user
        for user in User.objects.filter(is_active=True)
        .exclude(groups__name=roles.LEADERSHIP)
        .order_by("-pk")
    }
    created = 0
    for order, (title, basis, lead, co, (month, day), status) in enumerate(TASKS, start=1):
        lead_department = departments.get(lead)
        if lead_department is None:
            continue
        due_on = date(today.year, month, day)
        if due_on < today and order not in KEEP_OVERDUE:
            status = "done"
        task, was_created = Task.objects.get_or_create(
            year=today.year,
            title=title,
            defaults={
                "order": order,
                "basis": f"《{today.year}年政务公开工作要点》{basis}" if "要点" in basis else basis,
                "lead_department": lead_department,
                "responsible": staff.get(lead_department.pk),
                "due_on": due_on,
                "status": status,
                "completed_on": due_on - timedelta(days=3) if status == "done" else None,
                "progress": progress_note(status),
            },
        )
        if was_created:
            task.co_departments.set([departments[c] for c in co if c in departments])
            created += 1
    stdout.write(f"  任务分解表：新建 {created} 项")

    last_month = previous_month(today)
    targets = 0
    for month_on in (last_month, month_start(today)):
        for code, count in TARGETS.items():
            if code in departments:
                _, was_created = ReportingTarget.objects.get_or_create(
                    department=departments[code],
                    month_on=month_on,
                    defaults={"published_target": count},
                )
                targets += was_created
    stdout.write(f"  信息报送任务：新建 {targets} 条")

    office = User.objects.filter(username="gongkaiban").first()
    if office and not Bulletin.objects.filter(month_on=last_month).exists():
        bulletin = services.generate_bulletin(month_on=last_month, by=office)
        stdout.write(f"  月度通报：生成“{bulletin.title}”（待审核发布）")

    # Last full year's 政府网站工作年度报表, computed, sent for review and approved: this year's is
    # drafted next January.
    reviewer = User.objects.filter(groups__name=roles.REVIEWER, is_active=True).first()
    year = today.year - 1
    if office and reviewer and not WebsiteReport.objects.filter(year=year).exists():
        report = website_report.generate_website_report(year=year, by=office)
        report.mobile_media = MOBILE_MEDIA
        report.innovation = INNOVATION
        report.save(update_fields=["mobile_media", "innovation"])
        item = report.submit(by=office)
        item.approve(by=reviewer, checklist=dict.fromkeys(REVIEW_CHECKLIST, True))
        stdout.write(f"  网站工作年度报表：发布“{report}”")


MOBILE_MEDIA = "政务微信公众号“江川自然资源”：全年发布信息 312 条，订阅数 2.1 万。"
INNOVATION = (
    "网站完成适老化与无障碍改造，提供长者模式；站内搜索支持中文分词和“办事指南”直达；"
    "政民互动留言承诺24小时内答复。"
)


def progress_note(status):
    if status == "done":
        return "已按要求完成，相关信息已在网站发布。"
    if status == "in_progress":
        return "正在推进，已完成阶段性工作，下一步按时限要求全部完成。"
    return ""

"""Demo 政民互动 desk: categories with reply templates, complaint agencies, a year of messages;
征求意见 (one open with comments, one closed with published feedback, one announced) and 网上评议
(one round running, one closed with its results).

Deterministic (random.Random with a fixed seed) and idempotent: categories and agencies are
updated in place; messages are generated only while the desk has none. Messages go through the
real transitions (submit, reply, approve, rate, transfer, close), so events, deadlines and
lateness are exactly what the live desk would have stored.
"""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from portal import roles
from portal.models import Department, User
from portal.publishing import REVIEW_CHECKLIST

from .models import (
    ASPECTS,
    ComplaintAgency,
    Consultation,
    EvaluationRound,
    EvaluationSubject,
    Message,
    MessageCategory,
    default_closes_on,
)
from .services import submit_comment, submit_evaluation, submit_message

SEED = 20261125
COUNT = 320
RECENT_SUBJECTS = 10  # no subject twice among ten consecutive messages

GREETING = "您好！您的留言已收悉。经我局{dept}核实，现答复如下：\n\n"
CLOSING = "\n\n感谢您对国土资源工作的关心和支持。如有疑问，可致电{phone}咨询。"

# name, department code, reply template body, [(kind, subject, body, reply)]
CATEGORIES = [
    (
        "不动产登记",
        "bdcdj",
        "您申请的不动产登记事项目前处于____环节，预计____个工作日内办结，办结后将短信通知您领证。",
        [
            (
                "consultation",
                "不动产登记办理进度查询",
                "我于{month}月在市民中心不动产登记大厅提交了{place}一套商品房的转移登记申请，"
                "受理单上写10个工作日，现在已经超过时间，请问办到哪一步了？",
                "经查询，您申请的转移登记已于近日完成登簿，不动产权证书已制证完毕。"
                "请本人携带身份证和受理凭证到市民中心二楼不动产登记大厅3号窗口领取。",
            ),
            (
                "consultation",
                "二手房过户需要准备哪些材料",
                "我准备购买{place}一套二手房，请问办理不动产转移登记需要买卖双方提供哪些材料，"
                "能否一次办好？",
                "二手房转移登记需提供：买卖双方身份证明、不动产权证书、房屋买卖合同、完税凭证；"
                "已婚的需提供婚姻证明。目前我市已实现“一窗受理、集成服务”，材料齐全可当场受理，"
                "3个工作日内办结。",
            ),
            (
                "complaint",
                "不动产登记窗口排队时间过长",
                "昨天上午在不动产登记大厅排队近三个小时才办上业务，取号机经常故障，希望改进。",
                "经核实，当日因系统升级导致部分窗口暂停受理，给您带来不便深表歉意。"
                "我局已增开2个综合受理窗口，并开通网上预约，您可通过“江川政务服务”预约办理时段。",
            ),
            (
                "suggestion",
                "建议开通不动产登记周末服务",
                "上班族工作日请假办事不方便，建议不动产登记大厅在周六上午开放。",
                "感谢您的建议。自下月起，不动产登记大厅将在每周六上午9:00—12:00提供预约服务，"
                "受理抵押登记、转移登记等常办业务。",
            ),
        ],
    ),
    (
        "征地补偿",
        "tdly",
        "根据《江川市集体土地征收补偿安置办法》，____。具体补偿以征地补偿安置方案公告为准。",
        [
            (
                "consultation",
                "征地补偿标准咨询",
                "我家在{place}的承包地被列入征收范围，请问现在的区片综合地价是多少，"
                "青苗和地上附着物怎么补偿？",
                "我市现行征地区片综合地价按《江川市人民政府关于公布征地区片综合地价的通知》执行，"
                "{place}所在区片为一类区片。青苗补偿费和地上附着物补偿按市定标准另行计算，"
                "具体金额以征地补偿安置方案公告为准，公告期间可提出意见。",
            ),
            (
                "complaint",
                "征地补偿款迟迟未到位",
                "{place}的土地去年已经被征收，补偿协议也签了，但补偿款到现在还没有发放到位。",
                "经核查，该批次征地补偿款已由区财政拨付至{place}所在镇（街道），"
                "正在按户核对账户信息，预计本月底前发放完毕。我局已督促属地加快发放进度。",
            ),
            (
                "consultation",
                "征收土地社保安置政策",
                "我的土地全部被征收了，听说可以参加被征地农民社会保障，请问怎么办理？",
                "被征地农民可按规定参加基本养老保险，由村（社区）统一申报，"
                "镇（街道）审核后报人力社保部门办理。请您向所在村委会咨询申报时间。",
            ),
        ],
    ),
    (
        "违法用地举报",
        "zfjc",
        "接到您的举报后，我局执法监察支队于____到现场核查，____。我局将依法处理。",
        [
            (
                "complaint",
                "违法占地举报：耕地上建房",
                "{place}村口有人在耕地上建房，已经打好地基，请尽快查处。",
                "接到举报后，我局执法监察支队于次日到现场核查，情况属实。"
                "已责令当事人停止施工，依法立案调查，并将按规定拆除违法建筑、恢复土地原状。",
            ),
            (
                "complaint",
                "举报非法取土",
                "{place}附近一块农田夜间有挖掘机取土，土方被卡车拉走，破坏耕地。",
                "经现场核查，该处确有非法取土行为，已当场制止并暂扣作业设备，"
                "案件已立案查处，同时责成属地镇政府落实巡查，防止反弹。",
            ),
            (
                "complaint",
                "违法用地举报后未见处理",
                "上个月举报{place}厂房违法占地，至今仍在施工，请问处理结果？",
                "经查，该厂房用地已立案查处，已下达《责令停止违法行为通知书》。"
                "当事人继续施工的行为我局已报请属地政府组织强制停工，后续处理结果将依法公开。",
            ),
        ],
    ),
    (
        "宅基地审批",
        "tdly",
        "农村村民申请宅基地，应当____。您所反映的情况，____。",
        [
            (
                "consultation",
                "宅基地审批流程咨询",
                "我是{place}村民，家里老房子是危房，想申请宅基地翻建，需要走哪些程序？",
                "农村村民建房实行“村级审查、镇级审批”。您需向村民小组提出书面申请，"
                "经村民代表会议讨论公示后报镇（街道）审批；占用农用地的需先办理农用地转用。"
                "原址翻建不新增用地的，手续可以简化。",
            ),
            (
                "consultation",
                "分户后能否申请宅基地",
                "我和父母同住，已经结婚分户，请问能否单独申请宅基地？",
                "符合“一户一宅”条件、已依法分户且本人无宅基地的，可以申请。"
                "具体面积标准按《江川市农村村民住宅用地管理办法》执行，请向所在村委会提出申请。",
            ),
            (
                "complaint",
                "宅基地审批时间太长",
                "{month}月交的建房申请材料，到现在镇里还没有批下来。",
                "经核实，您的申请因涉及农用地转用，需纳入年度批次报批，目前已上报市政府审批。"
                "我局已协调加快办理，批复后镇（街道）将及时通知您。",
            ),
        ],
    ),
    (
        "矿产资源",
        "kczy",
        "经调查，____。我局将督促矿山企业____，并加强日常监管。",
        [
            (
                "complaint",
                "采矿噪音扰民",
                "{place}附近采石场经常夜间爆破和作业，噪音很大，影响居民休息。",
                "经现场检查，该采石场存在夜间作业行为。我局已责令企业立即停止22时至次日6时作业，"
                "并联合生态环境部门对噪声开展监测，企业已作出书面整改承诺。",
            ),
            (
                "complaint",
                "矿山开采造成房屋开裂",
                "{place}的采矿爆破后，我家房屋墙体出现裂缝，希望有关部门来看看。",
                "我局已会同属地政府和第三方检测机构对您家房屋进行了鉴定，"
                "并责令矿山企业调整爆破参数。经鉴定属采矿影响的，由企业依法予以赔偿。",
            ),
            (
                "consultation",
                "采矿权出让信息在哪里查询",
                "想了解今年我市采矿权出让计划和公告，请问在哪里可以查到？",
                "我市采矿权出让公告在本网站“政务公开—矿业权出让”栏目和江川市公共资源交易网同步发布。",
            ),
        ],
    ),
    (
        "规划与建设用地",
        "ghk",
        "关于您咨询的____，根据国土空间规划，____。",
        [
            (
                "consultation",
                "查询地块规划用途",
                "请问{place}附近的空地规划用途是什么？听说要建学校。",
                "经查询，该地块在国土空间规划中为教育用地，用于建设九年一贯制学校，"
                "项目用地预审已完成，具体建设时间请关注教育部门公告。",
            ),
            (
                "suggestion",
                "建议公开国土空间规划图",
                "建议在网站上公开各镇的国土空间规划图，方便群众查询。",
                "感谢您的建议。经批准的国土空间总体规划文本和图件已在本网站“政务公开—规划计划”栏目公开，"
                "各镇详细规划批准后也将陆续公开。",
            ),
        ],
    ),
    (
        "耕地保护",
        "gdbh",
        "关于您反映的耕地保护问题，____。",
        [
            (
                "complaint",
                "永久基本农田被种树",
                "{place}一大片永久基本农田被种上了苗木，这样是否合规？",
                "永久基本农田不得种植苗木等破坏耕作层的作物。经核查，"
                "该地块属违规种植，已责成属地镇政府督促经营者限期恢复耕种。",
            ),
            (
                "consultation",
                "土地复垦项目申报条件",
                "我们村有一片废弃砖窑用地，能否申报土地复垦项目？",
                "废弃工矿用地可申报土地复垦。请村委会向所在镇（街道）提出申请，"
                "由镇（街道）统一报我局耕地保护科立项，验收合格后新增耕地可纳入占补平衡。",
            ),
        ],
    ),
    (
        "网站纠错",
        "xxzx",
        "感谢您指出网站存在的问题，____。",
        [
            (
                "site_error",
                "办事指南链接打不开",
                "网站“办事服务”栏目中土地登记办事指南的附件链接点开后显示404。",
                "经检查，该附件因系统迁移路径变更导致无法访问，现已修复，欢迎继续监督。",
            ),
            (
                "site_error",
                "领导信息未更新",
                "网站机构概况中的领导分工还是去年的，请及时更新。",
                "感谢您的提醒，领导信息已按最新分工更新。",
            ),
        ],
    ),
]

PLACES = [
    "青石镇",
    "柳溪街道",
    "白马乡",
    "江北新区",
    "东湖村",
    "龙泉社区",
    "南山镇",
    "梅林村",
    "滨江花园",
    "翠屏街道",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["建华", "秀英", "志强", "丽娟", "海峰", "桂兰", "晓东", "春梅", "国平", "玉兰", "伟", "芳"]

AGENCIES = [
    {
        "name": "江川市国土资源局办公室（信访接待室）",
        "address": "江川市滨江区府前路88号国土资源大楼1楼",
        "phone": "0571-87061201",
        "email": "xinfang@jiangchuan.example.gov.cn",
        "office_hours": "工作日 上午 8:30—12:00，下午 14:30—17:30",
        "order": 10,
    },
    {
        "name": "江川市人民政府12345政务服务便民热线",
        "address": "江川市滨江区市民中心",
        "phone": "12345",
        "office_hours": "全天24小时",
        "order": 20,
    },
    {
        "name": "江川市纪委监委驻市国土资源局纪检监察组",
        "address": "江川市滨江区府前路88号国土资源大楼7楼",
        "phone": "0571-87061299",
        "office_hours": "工作日 上午 8:30—12:00，下午 14:30—17:30",
        "order": 30,
    },
]


def load(*, stdout):
    for agency in AGENCIES:
        ComplaintAgency.objects.update_or_create(name=agency["name"], defaults=agency)
    departments = {d.code: d for d in Department.objects.all()}
    categories = []
    for order, (name, code, template, samples) in enumerate(CATEGORIES, start=1):
        department = departments[code]
        body = GREETING.format(dept=department.name) + template
        body += CLOSING.format(phone=department.phone or "0571-87061234")
        category, _ = MessageCategory.objects.update_or_create(
            name=name,
            defaults={"department": department, "reply_template": body, "order": order * 10},
        )
        categories.append((category, samples))
    stdout.write(f"留言类别 {len(categories)} 个，投诉受理机构 {len(AGENCIES)} 个。")
    if Message.objects.exists():
        stdout.write(f"已有留言 {Message.objects.count()} 条，不再生成。")
    else:
        demo_query = generate_messages(categories)
        stdout.write(f"生成留言 {Message.objects.count()} 条（近一年，含超期、未公开和评价）。")
        stdout.write("演示查询：受理编号 {} 查询码 {}".format(*demo_query))
    load_participation(stdout=stdout)


def staff(username):
    return User.objects.filter(username=username).first()


def generate_messages(categories):
    """Create COUNT messages over the last year; return (tracking number, 查询码) of the newest."""
    rng = random.Random(SEED)
    now = timezone.now()
    reviewer, office = staff("shenheyuan"), staff("gongkaiban")
    heads = {
        user.department.code: user
        for user in User.objects.filter(groups__name=roles.DEPARTMENT_HEAD).select_related(
            "department"
        )
        if user.department
    }
    departments = list(Department.objects.exclude(code="bgs"))
    newest = None
    # Oldest first, so that 受理编号 follow the calendar.
    ages = [rng.uniform(2.5, 365) for _ in range(COUNT - 24)]
    ages += [rng.uniform(0.05, 2.5) for _ in range(24)]  # the current queue, some overdue
    ages.sort(reverse=True)
    pool = [(category, *sample) for category, samples in categories for sample in samples]
    recent = []  # subjects of the last messages: a list page never shows the same one twice
    for age_days in ages:
        fresh = [entry for entry in pool if entry[2] not in recent]  # (category, kind, subject…)
        category, kind, subject, body, reply = rng.choice(fresh)
        recent = [*recent[-(RECENT_SUBJECTS - 1) :], subject]
        place = rng.choice(PLACES)
        received_at = now - timedelta(days=age_days)
        month = timezone.localtime(received_at - timedelta(days=30)).month
        data = {
            "kind": kind,
            "category": category,
            "subject": subject,
            "body": body.format(place=place, month=month),
            "sender_name": rng.choice(SURNAMES) + rng.choice(GIVEN),
            "sender_phone": f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
            "sender_email": "",
            "has_publication_consent": rng.random() < 0.85,
        }
        submission = submit_message(data=data, ip="192.0.2.10", now=received_at)
        message = submission.message
        newest = (message.tracking_number, submission.query_code)
        handle(message, rng, now, reply.format(place=place), heads, reviewer, office, departments)
    return newest


def handle(message, rng, now, reply, heads, reviewer, office, departments):
    """Move a fresh demo message along as the bureau would have: the head of the department
    with a demo account replies, the others' replies are recorded without a named clerk."""
    at = message.received_at
    replier = heads.get(message.department.code)
    if office and rng.random() < 0.05:
        at += timedelta(hours=rng.uniform(0.5, 3))
        if at > now:
            return
        # The citizen chose a topic that does not fit: the office passes it on.
        other = rng.choice([d for d in departments if d.pk != message.department_id])
        message.transfer(by=office, to=other, reason=f"经核实，该事项属{other}职责", now=at)
        replier = heads.get(other.code)
    if rng.random() < 0.03 and replier:
        at += timedelta(hours=rng.uniform(1, 6))
        if at < now:
            message.close(by=replier, reason="重复留言，该事项已在此前的留言中答复。", now=at)
        return
    recent = now - message.received_at < timedelta(days=2.5)
    late = rng.random() < (0.5 if recent else 0.06)
    hours = rng.uniform(25, 60) if late else rng.triangular(1, 23, 6)
    at += timedelta(hours=hours)
    if at > now:
        return  # still open: some within the 24 hours, some overdue
    message.record_reply(by=replier, text=GREETING.format(dept=message.department) + reply, now=at)
    at += timedelta(hours=rng.uniform(1, 20))
    if at > now or rng.random() < 0.05 or reviewer is None:
        return  # replied, not yet reviewed: visible to the sender only
    message.approve(by=reviewer, now=at)
    if rng.random() < 0.55:
        at += timedelta(days=rng.uniform(0.2, 5))
        if at < now:
            rating = rng.choices(
                [Message.Rating.SATISFIED, Message.Rating.FAIR, Message.Rating.UNSATISFIED],
                weights=[75, 18, 7],
            )[0]
            comment = {
                Message.Rating.SATISFIED: "答复及时，问题已解决，谢谢！",
                Message.Rating.FAIR: "答复基本清楚，希望办理再快一些。",
                Message.Rating.UNSATISFIED: "答复没有解决实际问题，希望进一步核实。",
            }[rating]
            message.rate(rating=rating, comment=comment, now=at)
            if rating == Message.Rating.UNSATISFIED:
                at += timedelta(hours=rng.uniform(2, 20))
                if at < now:
                    text = (
                        GREETING.format(dept=message.department)
                        + "针对您的进一步反映，我局再次进行了核实："
                        + reply
                    )
                    message.record_reply(by=replier, text=text, now=at)
                    if at + timedelta(hours=2) < now:
                        message.approve(by=reviewer, now=at + timedelta(hours=2))


# 征求意见 and 网上评议 ------------------------------------------------------------------------
def paragraphs(*lines):
    return "".join(f"<p>{line}</p>" for line in lines)


OPEN_DRAFT = paragraphs(
    "江川市集体土地征收补偿安置办法（征求意见稿）",
    "第一章 总则",
    "第一条 为规范集体土地征收补偿安置工作，保障被征地农村集体经济组织和农民的合法权益，"
    "根据《中华人民共和国土地管理法》《中华人民共和国土地管理法实施条例》等法律法规，结合本市实际，"
    "制定本办法。",
    "第二条 本市行政区域内征收农民集体所有土地的补偿安置，适用本办法。",
    "第三条 征收土地应当依法及时足额支付土地补偿费、安置补助费以及农村村民住宅、其他地上附着物和"
    "青苗等的补偿费用，并安排被征地农民的社会保障费用。",
    "土地补偿费和安置补助费按照区片综合地价确定，区片综合地价每三年调整或者重新公布一次。",
    "第四条 市自然资源主管部门负责全市征收土地补偿安置工作的组织、协调和监督；"
    "区（县）人民政府负责本行政区域内征收土地补偿安置工作的具体实施。",
    "第二章 征收程序",
    "第五条 启动征收前，区（县）人民政府应当开展拟征收土地现状调查和社会稳定风险评估，"
    "并将征收范围、土地现状、征收目的、补偿标准、安置方式等在拟征收土地所在的乡（镇）和村、"
    "村民小组范围内公告，公告时间不少于十个工作日。",
    "第六条 征地补偿安置方案应当在拟征收土地所在的乡（镇）和村、村民小组范围内公告，"
    "公告时间不少于三十日。多数被征地的农村集体经济组织成员认为方案不符合法律法规规定的，"
    "应当组织召开听证会。",
    "第七条 拟征收土地的所有权人、使用权人应当在公告规定期限内，持不动产权属证明材料办理补偿登记。",
    "第三章 补偿安置",
    "第八条 农村村民住宅按照先补偿后搬迁、居住条件有改善的原则给予公平、合理的补偿，"
    "可以采取重新安排宅基地建房、提供安置房或者货币补偿等方式。",
    "第九条 青苗补偿费按照一季产值计算；多年生经济作物按照其生长期和产值合理确定。",
    "第十条 被征地农民按照规定纳入相应的养老等社会保障体系，社会保障费用主要用于符合条件的"
    "被征地农民的养老保险等社会保险缴费补贴。",
    "第四章 附则",
    "第十一条 违反本办法规定，侵占、挪用征地补偿费用的，依法追究责任。",
    "第十二条 本办法自2027年3月1日起施行。",
)
OPEN_COMMENTS = [
    # (article number or None, name, body, approve?)
    (
        3,
        "张建华",
        "建议明确区片综合地价调整时对已公告但尚未补偿的项目如何适用，避免同村不同价。",
        True,
    ),
    (
        3,
        "李秀英",
        "第三条第二款建议改为“每三年至少调整一次”，并在调整前公开征求被征地农民意见。",
        True,
    ),
    (3, "王磊", "希望补偿费用支付期限写进办法，比如方案批准后三个月内足额支付到户。", True),
    (6, "赵丽", "听证会的组织时限建议明确为收到申请后二十日内，并公开听证记录。", True),
    (5, "陈志强", "社会稳定风险评估结果建议向村民公开，电话13905781234可联系我。", True),
    (8, "刘芳", "安置房建议明确交付时限和过渡期临时安置费标准。", True),
    (9, "杨帆", "多年生经济作物（如杨梅、茶叶）的补偿标准建议附表列明，便于群众对照。", True),
    (None, "黄伟", "整体赞成，建议配套出台征地补偿费用发放和监督的实施细则。", True),
    (10, "周敏", "社保补贴的缴费年限和标准希望能更具体，最好举例说明。", False),
    (12, "吴刚", "施行日期前已经公告的征收项目如何衔接，建议在附则中写明。", False),
    (None, "郑华", "看不懂，太长了。", None),
]
CLOSED_DRAFT = paragraphs(
    "江川市不动产登记便民服务若干规定",
    "第一条 为优化不动产登记营商环境，提升登记便利度，制定本规定。",
    "第二条 不动产登记实行“一窗受理、集成服务”，申请人只需向一个窗口提交一套材料。",
    "第三条 一般登记在5个工作日内办结，抵押登记在3个工作日内办结，查封登记、异议登记即时办结。",
    "第四条 推行不动产登记“网上办”“掌上办”，申请人可通过江川政务服务平台在线申请、在线缴费、"
    "邮寄领证。",
    "第五条 对老年人、残疾人等特殊群体，提供预约、上门和帮办代办服务。",
    "第六条 不动产登记信息依法查询，权利人可凭身份证明在自助终端查询本人名下不动产登记结果。",
    "第七条 本规定自发布之日起施行。",
)
CLOSED_COMMENTS = [
    (
        3,
        "孙丽",
        "建议抵押登记压缩到1个工作日内办结，周边城市已经做到。",
        "partly",
        "部分采纳。我市已将抵押登记办结时限压缩至2个工作日，系统对接银行后将进一步压缩。",
    ),
    (4, "马超", "希望网上办理支持二手房转移登记全流程，不用再到现场核验。", "adopted", ""),
    (5, "朱红", "上门服务建议扩大到行动不便的重病患者。", "adopted", ""),
    (
        6,
        "胡斌",
        "建议允许利害关系人在线查询登记信息。",
        "not_adopted",
        "未采纳。利害关系人查询须依照《不动产登记资料查询暂行办法》现场核验身份和利害关系证明，"
        "暂不具备在线办理条件。",
    ),
    (None, "林静", "规定很实用，建议在大厅张贴办事流程图。", "adopted", ""),
    (
        3,
        "何强",
        "查封登记即时办结的表述建议改为“当日办结”，更符合实际。",
        "partly",
        "部分采纳。对法院当场送达的查封文书即时办结，邮寄送达的在收到当日办结。",
    ),
]
UPCOMING_DRAFT = paragraphs(
    "江川市耕地占补平衡指标交易管理办法（征求意见稿）",
    "第一条 为规范耕地占补平衡指标交易，落实耕地保护目标，制定本办法。",
    "第二条 补充耕地指标通过市公共资源交易平台公开交易。",
    "第三条 指标交易价格实行政府指导价，由市自然资源主管部门会同价格主管部门制定。",
    "第四条 本办法自印发之日起施行。",
)
EXPLANATION = paragraphs(
    "一、起草背景：新修订的《中华人民共和国土地管理法》及其实施条例对征收程序和补偿安置作了调整，"
    "我市现行办法制定于2014年，部分条款已不适应。",
    "二、起草依据：《中华人民共和国土地管理法》《中华人民共和国土地管理法实施条例》"
    "《浙江省土地管理条例》。",
    "三、主要内容：共四章十二条，明确了征收前期程序、补偿安置方式、社会保障和监督责任。",
)
CONTACT = {
    "contact_address": "江川市滨江区府前路88号 江川市国土资源局政策法规科（邮编330201）",
    "contact_email": "zcfg@jiangchuan.gov.cn",
    "contact_phone": "0571-87061211",
}
SUBJECTS = [
    ("window", "不动产登记受理窗口（1—4号）", "bdcdj"),
    ("window", "抵押登记窗口（5号）", "bdcdj"),
    ("window", "建设用地窗口（8号）", "tdly"),
    ("window", "矿业权窗口（9号）", "kczy"),
    ("department", "地籍与不动产登记科", "bdcdj"),
    ("department", "土地利用管理科", "tdly"),
    ("department", "执法监察支队", "zfjc"),
]
EVALUATION_COMMENTS = [
    "窗口工作人员很耐心，一次就办好了。",
    "排队时间有点长，建议高峰期多开窗口。",
    "网上预约很方便，希望推广。",
    "办事指南写得清楚，材料一次备齐。",
    "执法队员态度很好，解释得很清楚。",
    "希望缩短抵押登记的办理时间。",
]


def load_participation(*, stdout, now=None):
    """Create the demo consultations and evaluation rounds once (looked up by title)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    officer, reviewer, head = staff("xinxiyuan"), staff("shenheyuan"), staff("kezhang")
    if not (officer and reviewer and head):
        stdout.write("演示账号缺失，未生成征求意见和网上评议。")
        return
    departments = {d.code: d for d in Department.objects.all()}
    rng = random.Random(SEED + 12)
    made = []
    if not Consultation.objects.filter(title=CLOSED_TITLE).exists():
        made.append(closed_consultation(departments, officer, reviewer, head, rng, now))
    if not Consultation.objects.filter(title=OPEN_TITLE).exists():
        made.append(open_consultation(departments, officer, reviewer, rng, now))
    if not Consultation.objects.filter(title=UPCOMING_TITLE).exists():
        opens_on = today + timedelta(days=5)
        consultation = publish_consultation(
            title=UPCOMING_TITLE,
            department=departments["gdbh"],
            draft=UPCOMING_DRAFT,
            opens_on=opens_on,
            closes_on=opens_on + timedelta(days=19),
            short_period_reason="根据省自然资源厅统一部署，本办法须于年底前印发实施，"
            "征求意见期限相应缩短为20日。",
            officer=officer,
            reviewer=reviewer,
            now=now - timedelta(days=1),
        )
        made.append(consultation)
    stdout.write(f"征求意见：新建 {len(made)} 项（征集中、已反馈、预告各一项）。")
    rounds = 0
    if not EvaluationRound.objects.filter(title=CLOSED_ROUND).exists():
        evaluation_round(
            CLOSED_ROUND, departments, rng, today - timedelta(days=200), 60, reviewer, now
        )
        rounds += 1
    if not EvaluationRound.objects.filter(title=OPEN_ROUND).exists():
        evaluation_round(
            OPEN_ROUND, departments, rng, today - timedelta(days=20), 18, reviewer, now
        )
        rounds += 1
    stdout.write(f"网上评议：新建 {rounds} 轮（进行中、已结束各一轮）。")


OPEN_TITLE = "江川市集体土地征收补偿安置办法（征求意见稿）"
CLOSED_TITLE = "江川市不动产登记便民服务若干规定（征求意见稿）"
UPCOMING_TITLE = "江川市耕地占补平衡指标交易管理办法（征求意见稿）"
OPEN_ROUND = "2026年下半年窗口服务和机关作风网上评议"
CLOSED_ROUND = "2026年上半年窗口服务和机关作风网上评议"


def publish_consultation(*, officer, reviewer, now, **fields):
    """Create a consultation, split its articles and take it through review to publication."""
    consultation = Consultation.objects.create(
        explanation=EXPLANATION, author=officer, created_at=now, **CONTACT, **fields
    )
    consultation.rebuild_articles()
    consultation.submit(by=officer, now=now)
    consultation.approve(by=reviewer, checklist=dict.fromkeys(REVIEW_CHECKLIST, True), now=now)
    return consultation


def open_consultation(departments, officer, reviewer, rng, now):
    opens_on = timezone.localdate(now) - timedelta(days=10)
    consultation = publish_consultation(
        title=OPEN_TITLE,
        department=departments["tdly"],
        draft=OPEN_DRAFT,
        opens_on=opens_on,
        closes_on=default_closes_on(opens_on),
        officer=officer,
        reviewer=reviewer,
        now=now - timedelta(days=10, hours=2),
    )
    articles = {a.number: a for a in consultation.articles.all()}
    for index, (number, name, body, approve) in enumerate(OPEN_COMMENTS):
        at = now - timedelta(days=9 - index * 0.8, hours=rng.uniform(0, 5))
        comment = demo_comment(consultation, articles.get(number), name, body, rng, at)
        if approve is True:
            comment.approve(by=reviewer, now=at + timedelta(hours=3))
        elif approve is None:
            comment.reject(by=reviewer, reason="与草案内容无关", now=at + timedelta(hours=3))
    return consultation


def demo_comment(consultation, article, name, body, rng, at):
    """Submit a citizen's comment as the public form would have, at the moment at."""
    return submit_comment(
        consultation=consultation,
        data={
            "article": article,
            "body": body,
            "sender_name": name,
            "sender_phone": f"139{rng.randrange(10**8):08d}",
        },
        ip="192.0.2.20",
        now=at,
    )


def closed_consultation(departments, officer, reviewer, head, rng, now):
    opens_on = timezone.localdate(now) - timedelta(days=90)
    consultation = publish_consultation(
        title=CLOSED_TITLE,
        department=departments["bdcdj"],
        draft=CLOSED_DRAFT,
        opens_on=opens_on,
        closes_on=default_closes_on(opens_on),
        officer=officer,
        reviewer=reviewer,
        now=now - timedelta(days=91),
    )
    articles = {a.number: a for a in consultation.articles.all()}
    for index, (number, name, body, adoption, reason) in enumerate(CLOSED_COMMENTS):
        at = now - timedelta(days=88 - index * 4, hours=rng.uniform(0, 5))
        comment = demo_comment(consultation, articles.get(number), name, body, rng, at)
        comment.approve(by=reviewer, now=at + timedelta(hours=5))
        comment.record_adoption(
            by=head, adoption=adoption, reason=reason, now=now - timedelta(days=55)
        )
    figures = consultation.adoption_figures()
    consultation.publish_feedback(
        by=head,
        summary=(
            f"{opens_on:%Y年%m月%d日}至{consultation.closes_on:%Y年%m月%d日}，我局就本规定公开征求社会"
            f"意见，共收到意见{figures['received_count']}条。经认真研究，采纳{figures['adopted_count']}条，"
            f"部分采纳{figures['partly_count']}条，未采纳{figures['not_adopted_count']}条。"
            "主要采纳情况：一是将上门服务对象扩大至行动不便的重病患者；二是实现二手房转移登记全流程网上办理；"
            "三是细化查封登记办结时限。未采纳的意见已逐条说明理由。"
        ),
        now=now - timedelta(days=52),
    )
    return consultation


def evaluation_round(title, departments, rng, opens_on, responses, reviewer, now):
    closes_on = opens_on + timedelta(days=40)
    round = EvaluationRound.objects.create(
        title=title,
        description="为改进窗口服务和机关作风，本局开展网上评议。请您对办理过业务的窗口或科室，"
        "从服务态度、办事效率、政务公开、廉洁自律四个方面打分。评议结果将公开，"
        "并作为年度考核的重要依据。",
        opens_on=opens_on,
        closes_on=closes_on,
        is_published=True,
        created_at=now - timedelta(days=(timezone.localdate(now) - opens_on).days + 2),
    )
    subjects = [
        EvaluationSubject.objects.create(
            round=round, kind=kind, name=name, department=departments.get(code), order=order
        )
        for order, (kind, name, code) in enumerate(SUBJECTS, start=1)
    ]
    start = timezone.make_aware(datetime.combine(opens_on, time(9)))
    last = min(now, timezone.make_aware(datetime.combine(closes_on, time(17))))
    span = (last - start).total_seconds()
    for n in range(responses):
        at = start + timedelta(seconds=span * (n + 0.5) / responses)
        rated = rng.sample(subjects, rng.randint(1, 3))
        answers = {
            subject: {
                name: rng.choices([5, 4, 3, 2, 1], weights=[55, 28, 10, 5, 2])[0]
                for name, _, _ in ASPECTS
            }
            for subject in rated
        }
        comment = rng.choice(EVALUATION_COMMENTS) if rng.random() < 0.4 else ""
        response = submit_evaluation(
            round=round,
            data={
                "phone": f"158{rng.randrange(10**8):08d}",
                "answers": answers,
                "comment": comment,
            },
            ip="192.0.2.30",
            now=at,
        )
        if comment and at + timedelta(hours=4) < now:
            response.approve_comment(by=reviewer, now=at + timedelta(hours=4))
    return round

"""Rows for the open-data API tests: one public row of every kind, and private rows of every kind.

Names, phone numbers and ID numbers are distinct per row so that a test can look for each one in
every answer.
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from complaints.models import EvaluationAnswer, EvaluationResponse, EvaluationSubject
from complaints.services import submit_evaluation
from disclosure.models import AnnualReport, Category, Item
from portal.models import SiteSettings
from tests.complaints.factories import (
    ConsultationCommentFactory,
    EvaluationRoundFactory,
    EvaluationSubjectFactory,
    MessageFactory,
    published,
    published_consultation,
)
from tests.disclosure.factories import CHECKLIST, ItemFactory
from tests.disclosure.request_factories import person_data, received_request
from tests.portal.factories import UserFactory
from tests.services.factories import ApprovalResultFactory, ServiceGuideFactory

API = "/api/v1"

# What the public may read about the people in the rows below: their masked names only.
PUBLIC_SENDER = "张建华"  # a published message and an approved comment: shown as 张**
PUBLIC_APPLICANT = "张建国"  # an approval result of a person: shown as 张**
PUBLIC_PHONE = "13812345678"
# Personal data of private rows: none of it may appear anywhere.
SECRETS = {
    "request_name": "欧阳秘密",
    "request_phone": "13900001111",
    "request_id": "110101199003077777",
    "unconsented_sender": "司马隐私",
    "unconsented_phone": "13700002222",
    "pending_commenter": "诸葛未审",
    "pending_phone": "13600003333",
    "rejected_commenter": "上官驳回",
}
PRIVATE_TEXT = {
    "draft": "私密草稿标题甲",
    "pending": "待审核信息标题乙",
    "withdrawn": "已撤回信息标题丙",
    "on_request": "依申请公开属性标题丁",
    "request": "申请公开某地块的秘密材料戊",
    "unconsented": "未同意公开的留言己",
    "unapproved": "已答复未审核的留言庚",
    "pending_comment": "待审核的意见辛",
    "rejected_comment": "不予公开的意见壬",
    "pending_evaluation": "待审核的评议意见癸",
    "draft_guide": "草稿办事指南子",
    "withdrawn_guide": "已撤回办事指南丑",
    "draft_consultation": "未发布的征求意见寅",
    "hidden_round": "未发布的网上评议卯",
    "open_round": "进行中的网上评议辰",
}


@pytest.fixture(autouse=True)
def site(db):
    site = SiteSettings.load()
    site.bureau_name = site.site_name = "江川市国土资源局"
    site.save()
    return site


@pytest.fixture
def api_client(client):
    """A client whose answers are the API's JSON."""
    return client


@pytest.fixture
def column(db):
    return Category.objects.get(slug="tzgg")


@pytest.fixture
def public_item(column):
    return ItemFactory(published=True, category=column, document_number="江国土资发〔2026〕12号")


@pytest.fixture
def public_world(db, public_item, officer, reviewer):
    """One public row of every kind the API serves."""
    interpretation = ItemFactory(
        published=True, category=Category.objects.get(slug="zcjd"), title="政策解读：征收公告"
    )
    interpretation.interprets.add(public_item)
    guide = ServiceGuideFactory(published=True, name="国有建设用地使用权首次登记")
    result = ApprovalResultFactory(guide=guide, applicant_name=PUBLIC_APPLICANT)
    message = published(
        MessageFactory(
            sender_name=PUBLIC_SENDER,
            sender_phone=PUBLIC_PHONE,
            body=f"我的电话是{PUBLIC_PHONE}，请问登记进度。",
        ),
        replier=officer,
        reviewer=reviewer,
    )
    consultation = published_consultation(title="江川市土地储备管理办法（征求意见稿）")
    comment = ConsultationCommentFactory(
        consultation=consultation,
        sender_name=PUBLIC_SENDER,
        sender_phone=PUBLIC_PHONE,
        body=f"建议明确时限，联系电话{PUBLIC_PHONE}",
    )
    comment.approve(by=reviewer)
    round = EvaluationRoundFactory(
        opens_on=timezone.localdate() - timedelta(days=40),
        closes_on=timezone.localdate() - timedelta(days=10),
    )
    subject = EvaluationSubjectFactory(round=round)
    response = EvaluationResponse.objects.create(
        round=round,
        phone_hash="x" * 64,
        masked_phone="138****5678",
        comment="服务很好",
        comment_status=EvaluationResponse.CommentStatus.APPROVED,
        public_comment="服务很好",
    )
    EvaluationAnswer.objects.create(
        response=response, subject=subject, attitude=5, efficiency=4, transparency=5, integrity=5
    )
    report = AnnualReport.objects.create(year=2025, overview="总体平稳。", permits_count=12)
    report.publish(by=reviewer)
    return {
        "item": public_item,
        "interpretation": interpretation,
        "guide": guide,
        "result": result,
        "message": message,
        "consultation": consultation,
        "comment": comment,
        "round": round,
        "report": report,
    }


@pytest.fixture
def private_world(db, column, officer, reviewer):
    """Private rows of every kind: none of them may be reachable through the API."""
    rows = {}
    rows["draft"] = ItemFactory(category=column, title=PRIVATE_TEXT["draft"])
    rows["pending"] = ItemFactory(category=column, title=PRIVATE_TEXT["pending"])
    rows["pending"].submit(by=rows["pending"].author)
    rows["withdrawn"] = ItemFactory(
        published=True, category=column, title=PRIVATE_TEXT["withdrawn"]
    )
    rows["withdrawn"].withdraw(by=reviewer, reason="内容有误")
    rows["on_request"] = ItemFactory(
        category=column,
        title=PRIVATE_TEXT["on_request"],
        disclosure_type=Item.DisclosureType.ON_REQUEST,
    )
    rows["on_request"].submit(by=rows["on_request"].author)
    rows["on_request"].approve(by=UserFactory(), checklist=CHECKLIST)
    rows["request"] = received_request(
        date(2025, 9, 26),
        data=person_data(
            applicant_name=SECRETS["request_name"],
            phone=SECRETS["request_phone"],
            id_number=SECRETS["request_id"],
            description=PRIVATE_TEXT["request"],
        ),
    )
    rows["unconsented"] = published(
        MessageFactory(
            subject=PRIVATE_TEXT["unconsented"],
            sender_name=SECRETS["unconsented_sender"],
            sender_phone=SECRETS["unconsented_phone"],
            has_publication_consent=False,
        ),
        replier=officer,
        reviewer=reviewer,
    )
    rows["unapproved"] = MessageFactory(subject=PRIVATE_TEXT["unapproved"])
    rows["unapproved"].record_reply(by=officer, text="已答复，尚未审核")
    consultation = published_consultation(title="江川市矿产资源规划（征求意见稿）")
    rows["pending_comment"] = ConsultationCommentFactory(
        consultation=consultation,
        body=PRIVATE_TEXT["pending_comment"],
        sender_name=SECRETS["pending_commenter"],
        sender_phone=SECRETS["pending_phone"],
    )
    rows["rejected_comment"] = ConsultationCommentFactory(
        consultation=consultation,
        body=PRIVATE_TEXT["rejected_comment"],
        sender_name=SECRETS["rejected_commenter"],
    )
    rows["rejected_comment"].reject(by=reviewer, reason="与草案无关")
    rows["draft_guide"] = ServiceGuideFactory(name=PRIVATE_TEXT["draft_guide"])
    rows["withdrawn_guide"] = ServiceGuideFactory(
        published=True, name=PRIVATE_TEXT["withdrawn_guide"]
    )
    rows["withdrawn_guide"].withdraw(by=reviewer, reason="事项取消")
    from tests.complaints.factories import ConsultationFactory

    rows["draft_consultation"] = ConsultationFactory(title=PRIVATE_TEXT["draft_consultation"])
    rows["hidden_round"] = EvaluationRoundFactory(
        title=PRIVATE_TEXT["hidden_round"],
        is_published=False,
        opens_on=timezone.localdate() - timedelta(days=40),
        closes_on=timezone.localdate() - timedelta(days=10),
    )
    rows["open_round"] = EvaluationRoundFactory(title=PRIVATE_TEXT["open_round"])
    open_subject = EvaluationSubjectFactory(round=rows["open_round"])
    rows["pending_evaluation"] = submit_evaluation(
        round=rows["open_round"],
        data={
            "phone": "13500004444",
            "comment": PRIVATE_TEXT["pending_evaluation"],
            "answers": {
                open_subject: dict.fromkeys(
                    ["attitude", "efficiency", "transparency", "integrity"], 3
                )
            },
        },
        ip="127.0.0.1",
    )
    rows["draft_report"] = AnnualReport.objects.create(year=2024, overview="未发布的年报")
    assert EvaluationSubject.objects.filter(round=rows["open_round"]).exists()
    return rows

"""What the open-data API returns, field by field, with the Chinese name and meaning of each.

These schemas are the one description of the public data: the API's answers, the OpenAPI schema
and its docs page, the bulk downloads (api.opendata writes their rows from the same schemas) and
the data dictionary page (which lists their fields) all come from here. Every schema reads only
what the public pages show: applicants' and senders' names through portal.masking, messages and
comments by their reviewed public text, never a phone number, an ID number or an address.

`url` fields are paths on this site (prefix them with the site's address).
"""

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import BeforeValidator

from disclosure import annual_report
from portal.masking import mask_name

Day = date  # for fields named "date", whose name would hide the type

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$"
)


def _written_as(pattern, example):
    """Refuse a query value not written as pattern (pydantic would read "0.5" as a timestamp)."""

    def check(value):
        if isinstance(value, str) and not pattern.fullmatch(value):
            raise ValueError(f"应写作 {example}")
        return value

    return BeforeValidator(check)


# Dates and times in query parameters: ISO 8601 text only.
IsoDate = Annotated[date, _written_as(ISO_DATE, "YYYY-MM-DD")]
IsoDateTime = Annotated[datetime, _written_as(ISO_DATETIME, "2026-01-31T08:00:00+08:00")]


def _hours(duration):
    return None if duration is None else round(duration.total_seconds() / 3600, 1)


class ErrorOut(Schema):
    detail: str = Field(title="错误说明", description="中文的错误原因")
    errors: list[dict[str, Any]] | None = Field(
        None, title="参数错误明细", description="参数校验失败时，逐个参数列出的错误"
    )


class Page(Schema):
    next_cursor: str | None = Field(
        title="下一页游标",
        description="把它作为 cursor 参数再请求一次得到下一页；为空表示已是最后一页",
    )


# 机构 -----------------------------------------------------------------------------------------
class DepartmentOut(Schema):
    id: int = Field(title="科室ID", description="用于 department 筛选参数")
    name: str = Field(title="科室名称")
    code: str = Field(title="科室代码")
    duties: str = Field(title="主要职能")
    phone: str = Field(title="联系电话", description="科室对外公布的办公电话")
    address: str = Field(title="办公地址")


# 政务公开目录 ----------------------------------------------------------------------------------
class ColumnChildOut(Schema):
    slug: str = Field(title="栏目代码", description="用于 column 筛选参数和栏目网址")
    name: str = Field(title="栏目名称")
    url: str = Field(title="栏目页面路径")

    @staticmethod
    def resolve_url(column):
        return column.get_absolute_url()


class ColumnOut(ColumnChildOut):
    description: str = Field(title="栏目说明")
    parent: str | None = Field(title="上级栏目代码", description="一级栏目为空")
    department_id: int | None = Field(title="责任科室ID", description="见 /departments")
    update_days: int | None = Field(
        title="更新周期（天）", description="超过该天数未更新即视为不及时；为空表示不考核"
    )
    children: list[ColumnChildOut] = Field(title="下级栏目")

    @staticmethod
    def resolve_parent(column):
        return column.parent.slug if column.parent_id else None

    @staticmethod
    def resolve_children(column):
        return [child for child in column.children.all() if child.is_visible]


class ItemLinkOut(Schema):
    id: int = Field(title="信息ID")
    title: str = Field(title="标题")
    published_at: datetime | None = Field(title="发布日期")
    url: str = Field(title="页面路径")

    @staticmethod
    def resolve_url(item):
        return item.get_absolute_url()


class AttachmentOut(Schema):
    name: str = Field(title="文件名")
    type: str = Field(title="文件类型", description="如 PDF、Word、图片")
    size: int = Field(title="大小（字节）")
    url: str = Field(title="下载路径")

    @staticmethod
    def resolve_name(attachment):
        return str(attachment)

    @staticmethod
    def resolve_type(attachment):
        return attachment.type_label

    @staticmethod
    def resolve_url(attachment):
        return attachment.get_absolute_url()


class ItemOut(Schema):
    id: int = Field(title="信息ID")
    index_number: str = Field(
        title="索引号", description="<组织机构代码>/<年份>-<5位序号>，首次发布时生成，不再改变"
    )
    title: str = Field(title="标题")
    column: str = Field(title="栏目代码", description="主题分类（栏目），见 /columns")
    column_name: str = Field(title="栏目名称")
    department: str = Field(title="发布机构")
    written_on: date = Field(title="成文日期")
    document_number: str = Field(title="文号", description="如 江国土资发〔2026〕12号；无文号为空")
    published_at: datetime = Field(title="发布日期", description="发布时由系统记录，不可修改")
    updated_at: datetime = Field(title="更新时间", description="内容最近一次修改的时间")
    validity: str = Field(
        title="有效性代码",
        description="valid 有效、amended 已修改、repealed 已废止、expired 已失效",
    )
    validity_label: str = Field(title="有效性")
    replaced_by: int | None = Field(
        title="替代文件ID", description="已修改、已废止的文件指向的新文件；没有为空"
    )
    disclosure_type: str = Field(
        title="公开属性", description="接口只提供主动公开的信息，此项恒为“主动公开”"
    )
    keywords: str = Field(title="主题词", description="多个词用空格分隔")
    summary: str = Field(title="内容概述")
    url: str = Field(title="页面路径")

    @staticmethod
    def resolve_column(item):
        return item.category.slug

    @staticmethod
    def resolve_column_name(item):
        return item.category.name

    @staticmethod
    def resolve_department(item):
        return item.department.name

    @staticmethod
    def resolve_validity_label(item):
        return item.get_validity_display()

    @staticmethod
    def resolve_replaced_by(item):
        return item.replaced_by_id

    @staticmethod
    def resolve_disclosure_type(item):
        return item.get_disclosure_type_display()

    @staticmethod
    def resolve_url(item):
        return item.get_absolute_url()


class ItemDetailOut(ItemOut):
    source: str = Field(title="信息来源")
    disclosure_method: str = Field(title="公开方式")
    body: str = Field(title="正文", description="经过净化的 HTML")
    replacement: ItemLinkOut | None = Field(title="替代文件", description="有效性变更后的新文件")
    attachments: list[AttachmentOut] = Field(title="附件")
    interpretations: list[ItemLinkOut] = Field(title="政策解读", description="解读本文件的信息")
    interprets: list[ItemLinkOut] = Field(
        title="所解读的文件", description="本条为政策解读时，它解读的政策文件"
    )

    @staticmethod
    def resolve_replacement(item):
        replacement = item.replaced_by
        return replacement if replacement is not None and replacement.is_public() else None

    @staticmethod
    def resolve_attachments(item):
        return list(item.attachments.all())

    @staticmethod
    def resolve_interpretations(item):
        return list(item.interpretations.all())

    @staticmethod
    def resolve_interprets(item):
        return list(item.interprets.all())


class ItemPage(Page):
    items: list[ItemOut] = Field(title="信息条目")


# 办事指南 --------------------------------------------------------------------------------------
class ThemeOut(Schema):
    id: int = Field(title="主题ID", description="用于办件公示的 theme 筛选参数")
    slug: str = Field(title="主题代码", description="用于 theme 筛选参数")
    name: str = Field(title="主题名称")
    description: str = Field(title="主题说明")


class GuideOut(Schema):
    id: int = Field(title="指南ID")
    name: str = Field(title="事项名称")
    code: str = Field(title="事项编码", description="政务服务事项目录中的编码")
    kind: str = Field(title="事项类型代码")
    kind_label: str = Field(title="事项类型", description="行政许可、行政确认等")
    theme: str = Field(title="办事主题代码")
    theme_name: str = Field(title="办事主题")
    department: str = Field(title="承办科室")
    initial: str = Field(title="首字母", description="事项名称的拼音首字母")
    promised_time_limit: int | None = Field(title="承诺时限（工作日）")
    is_free: bool = Field(title="不收费")
    url: str = Field(title="页面路径")

    @staticmethod
    def resolve_kind_label(guide):
        return guide.get_kind_display()

    @staticmethod
    def resolve_theme(guide):
        return guide.theme.slug

    @staticmethod
    def resolve_theme_name(guide):
        return guide.theme.name

    @staticmethod
    def resolve_department(guide):
        return guide.department.name

    @staticmethod
    def resolve_url(guide):
        return guide.get_absolute_url()


class LegalBasisOut(Schema):
    law: str = Field(title="法律法规名称")
    article: str = Field(title="条款")
    text: str = Field(title="条款内容")


class MaterialFormOut(Schema):
    kind: str = Field(title="类型", description="空白表格或示例样表")
    name: str = Field(title="文件名")
    url: str = Field(title="下载路径")

    @staticmethod
    def resolve_kind(form):
        return form.get_kind_display()

    @staticmethod
    def resolve_name(form):
        return str(form)

    @staticmethod
    def resolve_url(form):
        return form.get_absolute_url()


class MaterialOut(Schema):
    name: str = Field(title="材料名称")
    original: str = Field(title="原件/复印件")
    copies: int = Field(title="份数")
    medium: str = Field(title="载体", description="纸质、电子或两者皆可")
    is_required: bool = Field(title="必须提交")
    condition: str = Field(title="提交情形", description="非必须材料在何种情形下需要提交")
    note: str = Field(title="备注")
    forms: list[MaterialFormOut] = Field(title="表格下载")

    @staticmethod
    def resolve_original(material):
        return material.get_original_display()

    @staticmethod
    def resolve_medium(material):
        return material.get_medium_display()

    @staticmethod
    def resolve_forms(material):
        return list(material.forms.all())


class StepOut(Schema):
    name: str = Field(title="环节名称")
    actor: str = Field(title="办理人员")
    working_days: int | None = Field(
        title="办理时限（工作日）", description="0 为即时办结；申请人自己的环节为空，不计时"
    )
    time_limit: str = Field(title="办理时限", description="如：即时办结、3个工作日")
    description: str = Field(title="办理内容")


class SpecialProcedureOut(Schema):
    kind: str = Field(title="类型", description="听证、公告、专家评审、检验检测、现场勘查、其他")
    name: str = Field(title="环节名称")
    working_days: int = Field(title="所需时间（工作日）", description="不计入承诺时限")
    description: str = Field(title="说明")

    @staticmethod
    def resolve_kind(procedure):
        return procedure.get_kind_display()


class QuestionOut(Schema):
    question: str = Field(title="问题")
    answer: str = Field(title="解答")


class GuideDetailOut(GuideOut):
    implementing_body: str = Field(title="实施主体")
    conditions: list[str] = Field(title="申请条件", description="逐条列出")
    location: str = Field(title="办理地点")
    window: str = Field(title="窗口号")
    office_hours: str = Field(title="办理时间")
    legal_time_limit: int | None = Field(title="法定时限（工作日）")
    fee: str = Field(title="收费", description="“不收费”或收费标准")
    fee_standard: str = Field(title="收费标准")
    fee_basis: str = Field(title="收费依据")
    inquiry_phone: str = Field(title="咨询电话")
    complaint_phone: str = Field(title="监督投诉电话")
    online_url: str = Field(title="网上办理地址")
    summary: str = Field(title="简版指南")
    decision_body: str = Field(title="决定机构")
    approval_quantity: str = Field(title="审批数量")
    intake_channels: str = Field(title="申请接收方式")
    handling_modes: str = Field(title="办理方式", description="网上办理、窗口办理、邮寄办理")
    visits: int | None = Field(title="到现场次数", description="0 为全程网办")
    result_name: str = Field(title="审批结果", description="颁发的证照或批准文书")
    result_delivery: str = Field(title="结果送达")
    rights_obligations: list[str] = Field(title="申请人权利和义务")
    special_procedures: list[SpecialProcedureOut] = Field(
        title="特殊环节", description="所需时间不计入承诺时限"
    )
    published_at: datetime | None = Field(title="发布日期")
    updated_at: datetime = Field(title="更新时间")
    legal_bases: list[LegalBasisOut] = Field(title="设定依据")
    materials: list[MaterialOut] = Field(title="办理材料")
    steps: list[StepOut] = Field(title="办理流程", description="按顺序排列的办理环节")
    questions: list[QuestionOut] = Field(title="常见问题")

    @staticmethod
    def resolve_conditions(guide):
        return guide.condition_lines()

    @staticmethod
    def resolve_fee(guide):
        return guide.fee_summary()

    @staticmethod
    def resolve_handling_modes(guide):
        return guide.handling_modes_label()

    @staticmethod
    def resolve_rights_obligations(guide):
        return guide.rights_lines()

    @staticmethod
    def resolve_special_procedures(guide):
        return list(guide.special_procedures.all())

    @staticmethod
    def resolve_legal_bases(guide):
        return list(guide.legal_bases.all())

    @staticmethod
    def resolve_materials(guide):
        return list(guide.materials.all())

    @staticmethod
    def resolve_steps(guide):
        return list(guide.steps.all())

    @staticmethod
    def resolve_questions(guide):
        return list(guide.questions.all())


class GuidePage(Page):
    items: list[GuideOut] = Field(title="办事指南")


# 办件公示 --------------------------------------------------------------------------------------
class ApprovalResultOut(Schema):
    tracking_number: str = Field(title="受理编号")
    guide_id: int = Field(title="办理事项的指南ID")
    guide_name: str = Field(title="办理事项")
    guide_code: str = Field(title="事项编码")
    applicant: str = Field(
        title="申请人", description="个人只显示姓氏（如 张**），单位显示全称，与网站办件公示一致"
    )
    applicant_kind: str = Field(title="申请人类型", description="个人或单位")
    accepted_on: date = Field(title="受理日期")
    promised_on: date | None = Field(title="承诺办结日期", description="按承诺时限（工作日）计算")
    completed_on: date | None = Field(title="办结日期")
    status: str = Field(
        title="状态代码",
        description="accepted 受理、processing 办理中、completed 办结、refused 不予许可、"
        "returned 退回补正",
    )
    status_label: str = Field(title="状态")
    result: str = Field(title="办理结果")

    @staticmethod
    def resolve_guide_name(result):
        return result.guide.name

    @staticmethod
    def resolve_guide_code(result):
        return result.guide.code

    @staticmethod
    def resolve_applicant(result):
        return result.public_applicant

    @staticmethod
    def resolve_applicant_kind(result):
        return result.get_applicant_kind_display()

    @staticmethod
    def resolve_status_label(result):
        return result.get_status_display()


class ApprovalResultPage(Page):
    items: list[ApprovalResultOut] = Field(title="办件")


# 政民互动 --------------------------------------------------------------------------------------
class MessageOut(Schema):
    tracking_number: str = Field(title="受理编号")
    kind: str = Field(
        title="留言类型代码", description="inquiry 咨询、suggestion 建议、complaint 投诉"
    )
    kind_label: str = Field(title="留言类型")
    category: str = Field(title="留言类别")
    sender: str = Field(title="留言人", description="只显示姓氏（如 张**）")
    received_at: datetime = Field(title="受理时间")
    subject: str = Field(title="标题", description="审核后公开的标题")
    body: str = Field(title="留言内容", description="审核后公开的内容，个人信息已遮盖")
    department: str = Field(title="答复部门")
    replied_at: datetime | None = Field(title="答复时间")
    reply: str = Field(title="答复内容", description="审核后公开的答复")
    rating: str = Field(title="留言人评价", description="满意、基本满意、不满意；未评价为空")
    url: str = Field(title="页面路径")

    @staticmethod
    def resolve_kind_label(message):
        return message.get_kind_display()

    @staticmethod
    def resolve_category(message):
        return message.category.name

    @staticmethod
    def resolve_sender(message):
        return mask_name(message.sender_name)

    @staticmethod
    def resolve_subject(message):
        return message.public_subject

    @staticmethod
    def resolve_body(message):
        return message.public_body

    @staticmethod
    def resolve_department(message):
        return message.department.name

    @staticmethod
    def resolve_reply(message):
        return message.public_reply

    @staticmethod
    def resolve_rating(message):
        return message.get_rating_display() if message.rating else ""

    @staticmethod
    def resolve_url(message):
        return message.get_absolute_url()


class MessagePage(Page):
    items: list[MessageOut] = Field(title="留言")


class FiguresOut(Schema):
    received_count: int = Field(title="收到留言数")
    replied_count: int = Field(title="已答复数")
    on_time_count: int = Field(title="按时答复数")
    reply_rate: float | None = Field(title="答复率（%）")
    on_time_rate: float | None = Field(title="按时答复率（%）")
    average_reply_hours: float | None = Field(title="平均答复用时（小时）")
    longest_reply_hours: float | None = Field(title="最长答复用时（小时）")
    rated_count: int = Field(title="评价数")
    satisfied_count: int = Field(title="满意和基本满意数")
    satisfaction_rate: float | None = Field(title="满意率（%）")

    @staticmethod
    def resolve_average_reply_hours(row):
        return _hours(row["average_reply_time"])

    @staticmethod
    def resolve_longest_reply_hours(row):
        return _hours(row["longest_reply_time"])


class LabelledFiguresOut(FiguresOut):
    label: str = Field(title="分组", description="留言类型、类别或答复部门")


class MonthFiguresOut(FiguresOut):
    month: str = Field(title="月份", description="YYYY-MM")

    @staticmethod
    def resolve_month(row):
        from portal.figures import local_month

        return f"{local_month(row['month']):%Y-%m}"


class StatisticsOut(Schema):
    month: str = Field(title="统计月份", description="YYYY-MM")
    total: FiguresOut = Field(title="本月合计")
    by_kind: list[LabelledFiguresOut] = Field(title="按留言类型")
    by_category: list[LabelledFiguresOut] = Field(title="按留言类别")
    by_department: list[LabelledFiguresOut] = Field(title="按答复部门")
    monthly: list[MonthFiguresOut] = Field(title="近12个月逐月")


# 征求意见 --------------------------------------------------------------------------------------
class ConsultationOut(Schema):
    id: int = Field(title="征求意见ID")
    title: str = Field(title="草案名称")
    department: str = Field(title="起草科室")
    opens_on: date = Field(title="征求意见开始日期")
    closes_on: date = Field(title="征求意见截止日期")
    phase: str = Field(
        title="阶段代码", description="upcoming 预告、open 征集中、closed 已结束、feedback 已反馈"
    )
    phase_label: str = Field(title="阶段")
    published_at: datetime | None = Field(title="发布日期")
    url: str = Field(title="页面路径")

    @staticmethod
    def resolve_department(consultation):
        return consultation.department.name

    @staticmethod
    def resolve_phase(consultation):
        return str(consultation.phase())

    @staticmethod
    def resolve_url(consultation):
        return consultation.get_absolute_url()


class CommentOut(Schema):
    sender: str = Field(title="提出人", description="只显示姓氏（如 张**）")
    submitted_at: datetime = Field(title="提交时间")
    body: str = Field(title="意见内容", description="审核后公开的内容，个人信息已遮盖")
    adoption: str = Field(
        title="采纳情况", description="采纳情况发布后才有：采纳、部分采纳、未采纳"
    )
    adoption_reason: str = Field(title="采纳情况说明", description="采纳情况发布后才有")

    @staticmethod
    def resolve_sender(comment):
        return mask_name(comment.sender_name)

    @staticmethod
    def resolve_body(comment):
        return comment.public_body

    @staticmethod
    def resolve_adoption(comment):
        # Decisions are public with the feedback, not before (the consultation is the one the
        # comments were read through, so this costs no query).
        if not comment.consultation.has_feedback() or not comment.adoption:
            return ""
        return comment.get_adoption_display()

    @staticmethod
    def resolve_adoption_reason(comment):
        return comment.adoption_reason if comment.consultation.has_feedback() else ""


class ArticleOut(Schema):
    number: int = Field(title="序号")
    heading: str = Field(title="条号", description="如 第三条")
    text: str = Field(title="条文内容")
    comments: list[CommentOut] = Field(title="公开的意见")

    @staticmethod
    def resolve_comments(article):
        return article.public_comments


class AdoptionFiguresOut(Schema):
    received_count: int = Field(title="收到意见数")
    public_count: int = Field(title="公开意见数")
    considered_count: int = Field(title="研究处理的意见数")
    rejected_count: int = Field(title="不予公开的意见数")
    adopted_count: int = Field(title="采纳数")
    partly_count: int = Field(title="部分采纳数")
    not_adopted_count: int = Field(title="未采纳数")


class FeedbackOut(Schema):
    summary: str = Field(title="意见采纳情况说明")
    published_at: datetime = Field(title="反馈公开时间")
    figures: AdoptionFiguresOut = Field(title="意见统计")

    @staticmethod
    def resolve_summary(consultation):
        return consultation.feedback_summary

    @staticmethod
    def resolve_published_at(consultation):
        return consultation.feedback_published_at

    @staticmethod
    def resolve_figures(consultation):
        return consultation.adoption_figures()


def _comments_by_article(consultation):
    """Return consultation.public_comments_by_article(), read once per answer."""
    if "_public_comments" not in consultation.__dict__:
        consultation._public_comments = consultation.public_comments_by_article()
    return consultation._public_comments


class ConsultationDetailOut(ConsultationOut):
    explanation: str = Field(title="起草说明", description="经过净化的 HTML")
    short_period_reason: str = Field(title="期限少于30日的理由")
    contact_address: str = Field(title="书面意见邮寄地址")
    contact_email: str = Field(title="电子邮箱")
    contact_phone: str = Field(title="联系电话")
    articles: list[ArticleOut] = Field(title="条文及公开的意见")
    general_comments: list[CommentOut] = Field(title="对草案整体的意见")
    files: list[AttachmentOut] = Field(title="草案原文件")
    feedback: FeedbackOut | None = Field(
        title="采纳情况", description="征求意见结束并发布反馈后才有"
    )
    final_item: ItemLinkOut | None = Field(title="正式发布的文件")

    @staticmethod
    def resolve_articles(consultation):
        return _comments_by_article(consultation)[0]

    @staticmethod
    def resolve_general_comments(consultation):
        return _comments_by_article(consultation)[1]

    @staticmethod
    def resolve_files(consultation):
        return list(consultation.files.all())

    @staticmethod
    def resolve_feedback(consultation):
        return consultation if consultation.has_feedback() else None

    @staticmethod
    def resolve_final_item(consultation):
        item = consultation.final_item
        return item if item is not None and item.is_public() else None


class ConsultationPage(Page):
    items: list[ConsultationOut] = Field(title="征求意见")


# 网上评议 --------------------------------------------------------------------------------------
class EvaluationRoundOut(Schema):
    id: int = Field(title="评议ID")
    title: str = Field(title="评议名称")
    description: str = Field(title="评议说明")
    opens_on: date = Field(title="开始日期")
    closes_on: date = Field(title="结束日期")
    url: str = Field(title="结果页面路径")

    @staticmethod
    def resolve_url(round):
        return round.get_results_url()


class ScoreCountOut(Schema):
    score: int = Field(title="分值", description="5 非常满意 … 1 非常不满意")
    count: int = Field(title="人次")


class AspectOut(Schema):
    name: str = Field(title="评议内容代码")
    label: str = Field(title="评议内容")
    average: float | None = Field(title="平均分")
    distribution: list[ScoreCountOut] = Field(title="评分分布")

    @staticmethod
    def resolve_distribution(aspect):
        return [{"score": score, "count": count} for score, count in aspect["distribution"]]


class SubjectResultOut(Schema):
    subject: str = Field(title="评议对象")
    kind: str = Field(title="类型", description="服务窗口或科室")
    answer_count: int = Field(title="评价人次")
    overall: float | None = Field(title="综合平均分")
    satisfaction_rate: float | None = Field(title="满意率（%）", description="4分、5分所占比例")
    aspects: list[AspectOut] = Field(title="各项得分")

    @staticmethod
    def resolve_subject(row):
        return row["subject"].name

    @staticmethod
    def resolve_kind(row):
        return row["subject"].get_kind_display()


class EvaluationCommentOut(Schema):
    phone: str = Field(title="手机号码", description="已遮盖，如 138****5678")
    submitted_at: datetime = Field(title="提交时间")
    comment: str = Field(title="意见建议", description="审核后公开的内容")

    @staticmethod
    def resolve_phone(response):
        return response.masked_phone

    @staticmethod
    def resolve_comment(response):
        return response.public_comment


EVALUATION_COMMENTS = 50  # as many as the results page shows


class EvaluationResultOut(EvaluationRoundOut):
    response_count: int = Field(title="有效答卷数")
    results: list[SubjectResultOut] = Field(title="各评议对象结果")
    comments: list[EvaluationCommentOut] = Field(title="公开的意见建议", description="最新50条")

    @staticmethod
    def resolve_response_count(round):
        return round.responses.count()

    @staticmethod
    def resolve_results(round):
        return round.results()

    @staticmethod
    def resolve_comments(round):
        return list(round.responses.public_comments()[:EVALUATION_COMMENTS])


# 政府信息公开工作年度报告 ------------------------------------------------------------------------
class AnnualReportOut(Schema):
    year: int = Field(title="年度")
    title: str = Field(title="标题")
    published_at: datetime | None = Field(title="发布时间")
    url: str = Field(title="页面路径")

    @staticmethod
    def resolve_title(report):
        return str(report)

    @staticmethod
    def resolve_published_at(report):
        return report.first_published_at()

    @staticmethod
    def resolve_url(report):
        return report.get_absolute_url()


class DocumentCountOut(Schema):
    label: str = Field(title="信息内容", description="规章、行政规范性文件")
    made: int = Field(title="本年制发件数")
    repealed: int = Field(title="本年废止件数")
    in_force: int = Field(title="现行有效件数")


class SectionTwoOut(Schema):
    documents: list[DocumentCountOut] = Field(title="规章和规范性文件")
    permits_count: int = Field(title="行政许可本年处理决定数量")
    penalties_count: int = Field(title="行政处罚本年处理决定数量")
    enforcement_count: int = Field(title="行政强制本年处理决定数量")
    fees_amount: Decimal = Field(title="行政事业性收费本年收费金额（万元）")


class ResultRowOut(Schema):
    code: str = Field(title="行号", description="如 3.1")
    group: str = Field(title="分组", description="如（三）不予公开")
    label: str = Field(title="处理结果")
    cells: list[int] = Field(
        title="各类申请人件数", description="按 columns 的顺序，最后一项为总计"
    )


class SectionThreeOut(Schema):
    columns: list[str] = Field(title="申请人类型", description="表格各列，最后另有总计列")
    new: list[int] = Field(title="一、本年新收政府信息公开申请数量")
    carried_in: list[int] = Field(title="二、上年结转政府信息公开申请数量")
    results: list[ResultRowOut] = Field(title="三、本年度办理结果")
    total: list[int] = Field(title="（七）总计")
    carried_out: list[int] = Field(title="四、结转下年度继续办理")
    is_balanced: bool = Field(title="平衡校验", description="一 + 二 = 三 + 四 是否成立")


class SectionFourOut(Schema):
    outcomes: list[str] = Field(
        title="结果分类", description="结果维持、结果纠正、其他结果、尚未审结"
    )
    cells: list[int] = Field(
        title="行政复议和行政诉讼件数",
        description="行政复议、未经复议直接起诉、复议后起诉三组，每组为各结果件数及总计",
    )


class AnnualReportDetailOut(AnnualReportOut):
    overview: str = Field(title="一、总体情况")
    section_two: SectionTwoOut = Field(title="二、主动公开政府信息情况")
    section_three: SectionThreeOut = Field(title="三、收到和处理政府信息公开申请情况")
    section_four: SectionFourOut = Field(title="四、政府信息公开行政复议、行政诉讼情况")
    problems: str = Field(title="五、存在的主要问题及改进情况")
    other_matters: str = Field(title="六、其他需要报告的事项")

    @staticmethod
    def resolve_section_two(report):
        return annual_report.section_two(report)

    @staticmethod
    def resolve_section_three(report):
        return annual_report.section_three(report.year)

    @staticmethod
    def resolve_section_four(report):
        return annual_report.section_four(report.year)


# 站内搜索 --------------------------------------------------------------------------------------
class SearchHitOut(Schema):
    kind: str = Field(title="类型", description="政府信息、办事指南、办件公示、政民互动")
    title: str = Field(title="标题")
    title_html: str = Field(title="标题（命中词加 <mark>）", description="已转义的 HTML")
    snippet_html: str = Field(title="摘要（命中词加 <mark>）", description="已转义的 HTML")
    column: str = Field(title="栏目")
    department: str | None = Field(title="发布机构")
    published_at: datetime = Field(title="发布日期")
    url: str = Field(title="页面路径")


class SearchOut(Schema):
    query: str = Field(title="关键词")
    page: int = Field(title="页码")
    has_next: bool = Field(title="是否有下一页")
    is_capped: bool = Field(
        title="结果超过上限", description="命中超过1000条时只在最新的1000条中排序，请缩小范围"
    )
    results: list[SearchHitOut] = Field(title="结果")


# 工作日 ----------------------------------------------------------------------------------------
class DayNoteOut(Schema):
    date: Day = Field(title="日期")
    note: str = Field(title="说明", description="节假日名称或调休说明")


class WorkingDayOut(Schema):
    date: Day = Field(title="日期")
    is_working_day: bool = Field(title="是否工作日")
    explanation: str = Field(title="说明")
    is_provisional: bool = Field(
        title="预估", description="该年度工作日历尚未公布，暂按周末和法定节假日估算"
    )


class AddWorkingDaysOut(Schema):
    start: date = Field(title="起算日期", description="不计入")
    days: int = Field(title="工作日数")
    result: date = Field(title="结果日期", description="起算日期之后第 days 个工作日")
    explanation: str = Field(title="说明", description="跳过的节假日、计入的调休上班日")
    is_provisional: bool = Field(title="预估", description="所涉年度的工作日历尚未公布")
    skipped_holidays: list[DayNoteOut] = Field(title="跳过的法定节假日（工作日）")
    counted_weekends: list[DayNoteOut] = Field(title="计入的调休上班日（周末）")


class WorkingDaysBetweenOut(Schema):
    start: date = Field(title="开始日期", description="不计入")
    end: date = Field(title="结束日期", description="计入")
    working_days: int = Field(title="工作日数")
    explanation: str = Field(title="说明")
    is_provisional: bool = Field(title="预估", description="所涉年度的工作日历尚未公布")


# 开放数据 --------------------------------------------------------------------------------------
class DatasetOut(Schema):
    name: str = Field(title="数据集")
    title: str = Field(title="名称")
    format: str = Field(title="格式", description="csv（UTF-8，带BOM，Excel可直接打开）或 jsonl")
    url: str = Field(title="下载路径")
    size: int | None = Field(title="大小（字节）", description="尚未生成为空")
    generated_at: datetime | None = Field(title="生成时间", description="每日重新生成")

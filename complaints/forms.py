"""Citizens' forms of the 政民互动 desk and the admin's workflow forms."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from portal import content_safety
from portal.forms import CitizenForm, TrackingLookupForm, clean_mobile, show_length_limits
from portal.masking import names_by_forms_of_address
from portal.models import Department
from portal.ratings import is_bad
from portal.uploads import CitizenFilesField

from .models import (
    ASPECTS,
    SCORE_LABELS,
    ConsultationComment,
    EvaluationResponse,
    Message,
    MessageCategory,
    hash_evaluation_phone,
    validate_no_placeholders,
)
from .services import submit_comment, submit_evaluation, submit_message

BODY_MAX_LENGTH = 2000
COMMENT_MAX_LENGTH = 3000


def check_public_text(text, field_label):
    """Raise a Chinese ValidationError when the content-safety scanner blocks text."""
    blocking = [f for f in content_safety.scan_text(text, field_label=field_label) if f.is_blocking]
    if blocking:
        words = "、".join(dict.fromkeys(f"“{f.matched}”" for f in blocking))
        raise ValidationError(
            f"内容含有不允许发布的词语{words}，请修改后再提交", code="blocked_content"
        )


def phone_field(*, help_text):
    """Return the mobile number field of a citizen form (checked by clean_mobile)."""
    return forms.CharField(
        label="手机号码",
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text=help_text,
        error_messages={"required": "请填写手机号码"},
    )


class MessageForm(CitizenForm):
    """写信: a 咨询, 建议, 投诉 or 网站纠错."""

    kind = forms.ChoiceField(
        label="留言类型", choices=Message.Kind.choices, initial=Message.Kind.INQUIRY
    )
    category = forms.ModelChoiceField(
        label="留言类别",
        queryset=MessageCategory.objects.filter(is_active=True),
        empty_label="请选择",
        error_messages={"required": "请选择留言类别", "invalid_choice": "请选择留言类别"},
    )
    subject = forms.CharField(
        label="标题",
        max_length=100,
        error_messages={"required": "请填写标题", "max_length": "标题不能超过100个字"},
    )
    body = forms.CharField(
        label="留言内容",
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=f"请写明事项、地点和诉求，不超过{BODY_MAX_LENGTH}字",
        error_messages={
            "required": "请填写留言内容",
            "max_length": f"留言内容不能超过{BODY_MAX_LENGTH}字",
        },
    )
    attachments = CitizenFilesField()  # e.g. a photo of the 违法用地; private to staff
    sender_name = forms.CharField(
        label="姓名", max_length=30, error_messages={"required": "请填写姓名"}
    )
    sender_phone = phone_field(help_text="用于核实情况，不会公开")
    sender_email = forms.EmailField(
        label="电子邮箱（选填）",
        required=False,
        error_messages={"invalid": "请填写正确的电子邮箱地址"},
    )
    has_publication_consent = forms.TypedChoiceField(
        label="是否同意公开",
        choices=[("1", "同意公开（不公开姓名和联系方式）"), ("0", "不同意公开")],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="1",
        error_messages={"required": "请选择是否同意公开"},
    )

    def clean_sender_phone(self):
        return clean_mobile(self.cleaned_data["sender_phone"])

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if len(body) < 5:
            raise ValidationError("留言内容过短，请写明具体事项", code="body_too_short")
        return body

    def save(self, *, ip):
        return submit_message(data=self.cleaned_data, ip=ip)


class LookupForm(TrackingLookupForm):
    """留言查询 by 受理编号 and 查询码."""

    model = Message
    number_label = "受理编号"
    number_example = "ZMHD20261125-0007"


class RatingForm(forms.Form):
    """The sender's 满意度 of a reply."""

    rating = forms.ChoiceField(
        label="您对答复是否满意",
        choices=Message.Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择满意度"},
    )
    comment = forms.CharField(
        label="评价意见（选填）",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "评价意见不能超过500字"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        show_length_limits(self)

    def clean(self):
        cleaned = super().clean()
        if is_bad(cleaned.get("rating")) and not cleaned.get("comment"):
            self.add_error(
                "comment",
                ValidationError(
                    "选择“不满意”或“非常不满意”时请写明原因，以便重新办理", code="reason_required"
                ),
            )
        return cleaned


class CommentForm(CitizenForm):
    """征求意见: a comment on the whole draft or on one article."""

    article = forms.ModelChoiceField(
        label="针对条文",
        queryset=None,
        required=False,
        empty_label="对草案整体提意见",
        error_messages={"invalid_choice": "请从列表中选择条文"},
    )
    body = forms.CharField(
        label="意见内容",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=f"请写明修改意见和理由，不超过{COMMENT_MAX_LENGTH}字；审核后公开",
        error_messages={
            "required": "请填写意见内容",
            "max_length": f"意见内容不能超过{COMMENT_MAX_LENGTH}字",
        },
    )
    sender_name = forms.CharField(
        label="姓名",
        max_length=30,
        help_text="公开时只显示姓氏",
        error_messages={"required": "请填写姓名", "max_length": "姓名不能超过30个字"},
    )
    # Published comments show the phone masked (138****5678): the hint says so.
    sender_phone = phone_field(
        help_text="用于核实意见；意见公开时只显示号码的前3位和后4位，如 138****5678"
    )

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        self.fields["article"].queryset = consultation.articles.all()
        self.fields["article"].label_from_instance = lambda a: f"{a.heading} {a.text[:24]}"

    def clean_sender_phone(self):
        return clean_mobile(self.cleaned_data["sender_phone"])

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if len(body) < 5:
            raise ValidationError("意见内容过短，请写明具体意见", code="body_too_short")
        check_public_text(body, "意见内容")
        return body

    def clean(self):
        cleaned = super().clean()
        if not self.consultation.is_open():
            raise ValidationError("本次征求意见不在意见征集期内，不能提交意见", code="not_open")
        return cleaned

    def save(self, *, ip):
        return submit_comment(consultation=self.consultation, data=self.cleaned_data, ip=ip)


SCORE_CHOICES = [("", "请选择")] + [(str(s), f"{s}分 {SCORE_LABELS[s]}") for s in range(5, 0, -1)]


class EvaluationForm(CitizenForm):
    """网上评议: scores for any of the round's subjects, a phone number, an optional comment."""

    # Published comments of the results page show the masked number (masked_phone).
    phone = phone_field(
        help_text="每个手机号码每次评议只能提交一次；不保存完整号码，"
        "意见公开时只显示号码的前3位和后4位"
    )
    comment = forms.CharField(
        label="意见建议（选填）",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="审核后在评议结果中公开",
        error_messages={"max_length": "意见建议不能超过1000字"},
    )

    aspects = ASPECTS

    def __init__(self, *args, round, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round
        self.subjects = list(round.subjects.all())
        scores = {}
        for subject in self.subjects:
            for name, label, question in ASPECTS:
                scores[self.score_name(subject, name)] = forms.TypedChoiceField(
                    label=f"{subject.name} {label}",
                    choices=SCORE_CHOICES,
                    coerce=int,
                    empty_value=None,
                    required=False,
                    help_text=question,
                    error_messages={"invalid_choice": "请选择1至5分"},
                )
        # The scores come first, then phone and comment, then the anti-spam fields.
        self.fields = {**scores, **self.fields}

    @staticmethod
    def score_name(subject, aspect):
        return f"s{subject.pk}_{aspect}"

    def rows(self):
        """Return [(subject, [(aspect label, bound field) of its four aspects])] for the
        questionnaire table."""
        return [
            (
                subject,
                [(label, self[self.score_name(subject, name)]) for name, label, _ in ASPECTS],
            )
            for subject in self.subjects
        ]

    def clean_phone(self):
        phone = clean_mobile(self.cleaned_data["phone"])
        if EvaluationResponse.objects.filter(
            round=self.round, phone_hash=hash_evaluation_phone(phone)
        ).exists():
            raise ValidationError(
                "该手机号码已参加过本次评议，每个手机号码只能提交一次", code="already_answered"
            )
        return phone

    def clean_comment(self):
        comment = self.cleaned_data["comment"].strip()
        if comment:
            check_public_text(comment, "意见建议")
        return comment

    def clean(self):
        cleaned = super().clean()
        if not self.round.is_open():
            raise ValidationError("本次评议不在评议期内，不能提交", code="not_open")
        answers = {}
        for subject in self.subjects:
            names = [self.score_name(subject, name) for name, _, _ in ASPECTS]
            if any(name in self.errors for name in names):
                continue
            values = {name: cleaned.get(self.score_name(subject, name)) for name, _, _ in ASPECTS}
            given = [v for v in values.values() if v is not None]
            if not given:
                continue
            if len(given) < len(ASPECTS):
                for (name, label, _), value in zip(ASPECTS, values.values(), strict=True):
                    if value is None:
                        self.add_error(
                            self.score_name(subject, name),
                            ValidationError(
                                f"请为“{subject.name}”的{label}打分（或四项都不评）",
                                code="incomplete_subject",
                            ),
                        )
                continue
            answers[subject] = values
        if not answers and not self.errors:
            raise ValidationError("请至少对一个评议对象的四项内容打分", code="no_answers")
        cleaned["answers"] = answers
        return cleaned

    def save(self, *, ip):
        return submit_evaluation(round=self.round, data=self.cleaned_data, ip=ip)


# Admin workflow forms ----------------------------------------------------------------------
class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="理由",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 70}),
        error_messages={"required": "请填写理由"},
    )


class TransferForm(ReasonForm):
    department = forms.ModelChoiceField(
        label="转办至",
        queryset=Department.objects.active(),
        error_messages={"required": "请选择科室"},
    )
    field_order = ["department", "reason"]


class ReplyForm(forms.Form):
    """答复: the template's blanks must be filled in before the reply can go to review."""

    text = forms.CharField(
        label="答复内容",
        widget=forms.Textarea(attrs={"rows": 12, "cols": 90}),
        error_messages={"required": "请填写答复内容"},
        help_text="模板中的“____”“【…】”“XX”等空白须填写实际内容或删去，否则不能提交。"
        "答复经审核员审核通过后才发送给留言人。",
    )

    def clean_text(self):
        text = self.cleaned_data["text"]
        validate_no_placeholders(text, field_label="答复内容")
        return text


class ApproveForm(forms.Form):
    """审核公开: the public version, personal data masked; blanks refused, names next to a form
    of address (王建国同志) shown as a warning above the form (`name_warnings`)."""

    public_subject = forms.CharField(label="公开标题", max_length=100)
    public_body = forms.CharField(
        label="公开留言内容", widget=forms.Textarea(attrs={"rows": 6, "cols": 90})
    )
    public_reply = forms.CharField(
        label="公开答复内容", widget=forms.Textarea(attrs={"rows": 8, "cols": 90})
    )

    def clean_public_reply(self):
        # Only the reply comes from a template: a citizen's “XX村” in the question is theirs.
        text = self.cleaned_data["public_reply"]
        validate_no_placeholders(text, field_label="公开答复内容")
        return text

    def name_warnings(self):
        """Return (field label, names) where the public text, as now in the form, still names
        someone next to 同志/先生/女士/您好 (the reviewer decides; publishing stays possible)."""
        rows = []
        for name, field in self.fields.items():
            text = self.data.get(name, "") if self.is_bound else self.initial.get(name, "")
            names = names_by_forms_of_address(text)
            if names:
                rows.append((field.label, names))
        return rows


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label="承办人", queryset=None)

    def __init__(self, *args, department, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = get_user_model().objects.filter(
            department=department, is_active=True, is_staff=True
        )


class AdoptionForm(forms.Form):
    """采纳情况 for one comment or a group of comments."""

    adoption = forms.ChoiceField(
        label="采纳情况",
        choices=[("", "请选择")] + ConsultationComment.Adoption.choices,
        error_messages={"required": "请选择采纳情况"},
    )
    reason = forms.CharField(
        label="理由",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text="部分采纳或未采纳时必须说明理由",
    )

    def clean(self):
        cleaned = super().clean()
        adoption = cleaned.get("adoption")
        partial = adoption and adoption != ConsultationComment.Adoption.ADOPTED
        if partial and not cleaned.get("reason", "").strip():
            self.add_error(
                "reason", ValidationError("部分采纳或未采纳时必须说明理由", code="reason_required")
            )
        return cleaned


class FeedbackForm(forms.Form):
    summary = forms.CharField(
        label="意见采纳情况说明",
        widget=forms.Textarea(attrs={"rows": 10, "cols": 90}),
        help_text="总体情况、主要意见的采纳情况和理由；发布后在网站公开，不能再修改",
        error_messages={"required": "请填写意见采纳情况说明"},
    )


class CommentApproveForm(forms.Form):
    public_body = forms.CharField(
        label="公开内容",
        widget=forms.Textarea(attrs={"rows": 6, "cols": 90}),
        help_text="已自动隐去身份证号和电话号码，可再删去不宜公开的内容",
        error_messages={"required": "请填写公开内容"},
    )

"""Citizens' forms of the 政民互动 desk and the admin's workflow forms."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from portal.forms import CitizenForm, clean_mobile
from portal.models import Department

from .models import Message, MessageCategory
from .services import submit_message

BODY_MAX_LENGTH = 2000


class MessageForm(CitizenForm):
    """写信: a 咨询, 建议, 投诉 or 网站纠错."""

    kind = forms.ChoiceField(label="留言类型", choices=Message.Kind.choices, initial="consultation")
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
    sender_name = forms.CharField(
        label="姓名", max_length=30, error_messages={"required": "请填写姓名"}
    )
    sender_phone = forms.CharField(
        label="手机号码",
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text="用于核实情况，不会公开",
        error_messages={"required": "请填写手机号码"},
    )
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


class LookupForm(forms.Form):
    """留言查询 by 受理编号 and 查询码."""

    tracking_number = forms.CharField(
        label="受理编号",
        max_length=20,
        help_text="如 ZMHD20261125-0007",
        error_messages={"required": "请填写受理编号"},
    )
    query_code = forms.CharField(
        label="查询码",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": "请填写查询码"},
    )

    def clean_tracking_number(self):
        return self.cleaned_data["tracking_number"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        number, code = cleaned.get("tracking_number"), cleaned.get("query_code")
        if number and code:
            message = Message.objects.filter(tracking_number=number).first()
            # One generic answer whether the number or the code is wrong: no number guessing.
            if message is None or not message.check_query_code(code):
                raise ValidationError(
                    "受理编号或查询码不正确，请核对后重新输入", code="lookup_failed"
                )
            self.message = message
        return cleaned


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

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("rating") == Message.Rating.UNSATISFIED and not cleaned.get("comment"):
            self.add_error(
                "comment",
                ValidationError("选择“不满意”时请写明原因，以便重新办理", code="reason_required"),
            )
        return cleaned


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
    text = forms.CharField(
        label="答复内容",
        widget=forms.Textarea(attrs={"rows": 12, "cols": 90}),
        error_messages={"required": "请填写答复内容"},
    )


class ApproveForm(forms.Form):
    public_subject = forms.CharField(label="公开标题", max_length=100)
    public_body = forms.CharField(
        label="公开留言内容", widget=forms.Textarea(attrs={"rows": 6, "cols": 90})
    )
    public_reply = forms.CharField(
        label="公开答复内容", widget=forms.Textarea(attrs={"rows": 8, "cols": 90})
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label="承办人", queryset=None)

    def __init__(self, *args, department, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = get_user_model().objects.filter(
            department=department, is_active=True, is_staff=True
        )

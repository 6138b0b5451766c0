"""依申请公开 forms: the citizen's application, the lookup, and the office's workflow steps."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.forms import CitizenForm, TrackingLookupForm, clean_mobile, show_length_limits
from portal.models import PHONE_VALIDATOR, Department
from portal.uploads import CitizenFilesField

from .models import InformationRequest, validate_credit_code
from .models.requests import EXTENSION_MAX_WORKING_DAYS
from .models.validators import validate_id_card
from .services import register_request, submit_request

DESCRIPTION_MAX_LENGTH = 2000

NATURAL_PERSON_FIELDS = {
    "id_type": "请选择证件类型",
    "id_number": "请填写证件号码",
}
ORGANISATION_FIELDS = {
    "credit_code": "请填写统一社会信用代码",
    "legal_representative": "请填写法定代表人或负责人",
    "contact_name": "请填写联系人姓名",
}


def clean_phone_number(value):
    """Return a mobile number (normalised) or a landline number, or raise a Chinese error."""
    try:
        return clean_mobile(value)
    except ValidationError:
        phone = (value or "").strip().replace(" ", "")
        try:
            PHONE_VALIDATOR(phone)
        except ValidationError:
            raise ValidationError(
                "请填写正确的手机号码或固定电话（如 0571-87654321）", code="invalid_phone"
            ) from None
        return phone


class ApplicantFieldsMixin:
    """Checks shared by the public form and the office's registration form."""

    def clean_phone(self):
        return clean_phone_number(self.cleaned_data["phone"])

    def clean_credit_code(self):
        return (self.cleaned_data.get("credit_code") or "").strip().upper()

    def clean_id_number(self):
        return (self.cleaned_data.get("id_number") or "").strip().upper()

    def clean_applicant(self, cleaned):
        is_person = cleaned.get("applicant_type") == InformationRequest.ApplicantType.NATURAL_PERSON
        required = NATURAL_PERSON_FIELDS if is_person else ORGANISATION_FIELDS
        for name, message in required.items():
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, ValidationError(message, code="required"))
        if is_person:
            for name in ORGANISATION_FIELDS:
                cleaned[name] = ""
            if cleaned.get("id_type") == InformationRequest.IdType.RESIDENT_ID and cleaned.get(
                "id_number"
            ):
                try:
                    validate_id_card(cleaned["id_number"])
                except ValidationError as error:
                    self.add_error("id_number", error)
        else:
            cleaned["id_type"], cleaned["id_number"] = "", ""
            if cleaned.get("credit_code"):
                try:
                    validate_credit_code(cleaned["credit_code"])
                except ValidationError as error:
                    self.add_error("credit_code", error)
        wants_email = cleaned.get("delivery_form") == InformationRequest.DeliveryForm.EMAIL
        if wants_email and not cleaned.get("email") and "email" not in self.errors:
            self.add_error(
                "email",
                ValidationError(
                    "选择电子邮件方式获取信息时，请填写电子邮箱", code="email_required"
                ),
            )
        return cleaned


class RequestForm(ApplicantFieldsMixin, CitizenForm):
    """政府信息公开申请表 (online)."""

    applicant_type = forms.ChoiceField(
        label="申请人类型",
        choices=InformationRequest.ApplicantType.choices,
        initial=InformationRequest.ApplicantType.NATURAL_PERSON,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择申请人类型", "invalid_choice": "请选择申请人类型"},
    )
    applicant_name = forms.CharField(
        label="姓名或单位名称",
        max_length=100,
        help_text="自然人填写姓名；法人或其他组织填写单位全称",
        error_messages={"required": "请填写姓名或单位名称", "max_length": "不能超过100个字"},
    )
    id_type = forms.ChoiceField(
        label="证件类型",
        choices=[("", "请选择"), *InformationRequest.IdType.choices],
        required=False,
        error_messages={"invalid_choice": "请选择证件类型"},
    )
    id_number = forms.CharField(
        label="证件号码",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    credit_code = forms.CharField(
        label="统一社会信用代码",
        max_length=18,
        required=False,
        help_text="18位，见营业执照或登记证书",
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "mono"}),
    )
    legal_representative = forms.CharField(
        label="法定代表人或负责人", max_length=30, required=False
    )
    contact_name = forms.CharField(label="联系人", max_length=30, required=False)
    phone = forms.CharField(
        label="联系电话",
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        error_messages={"required": "请填写联系电话"},
    )
    email = forms.EmailField(
        label="电子邮箱",
        required=False,
        help_text="选择电子邮件方式获取信息时必填",
        error_messages={"invalid": "请填写正确的电子邮箱地址"},
    )
    address = forms.CharField(
        label="通信地址",
        max_length=120,
        error_messages={"required": "请填写通信地址", "max_length": "通信地址不能超过120个字"},
    )
    postcode = forms.RegexField(
        label="邮政编码（选填）",
        regex=r"^\d{6}$",
        required=False,
        error_messages={"invalid": "邮政编码应为6位数字"},
    )
    description = forms.CharField(
        label="所需信息的内容描述",
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="请写明文件名称、文号或者便于本机关查询的其他特征性描述",
        error_messages={
            "required": "请填写所需信息的内容描述",
            "max_length": f"内容描述不能超过{DESCRIPTION_MAX_LENGTH}字",
        },
    )
    purpose = forms.CharField(
        label="所需信息的用途（选填）",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "用途不能超过500字"},
    )
    # ID copy, power of attorney, a document describing what is sought; private to the office.
    attachments = CitizenFilesField()
    delivery_form = forms.ChoiceField(
        label="获取信息的方式",
        choices=InformationRequest.DeliveryForm.choices,
        # No default: 电子邮件 preselected while the e-mail field is optional failed most first
        # submissions; the applicant chooses, and 电子邮件 then requires the address.
        widget=forms.RadioSelect,
        error_messages={
            "required": "请选择获取信息的方式",
            "invalid_choice": "请选择获取信息的方式",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Required within their own section (自然人 or 法人或其他组织): marked like the others.
        for name in (*NATURAL_PERSON_FIELDS, *ORGANISATION_FIELDS):
            self.fields[name].required_in_section = True

    def clean(self):
        return self.clean_applicant(super().clean())

    def save(self, *, ip):
        return submit_request(data=self.cleaned_data, ip=ip)


class LookupForm(TrackingLookupForm):
    """申请查询 by 申请编号 and 查询码."""

    model = InformationRequest
    number_label = "申请编号"
    number_example = "YSQ2026-0012"


class WithdrawForm(forms.Form):
    """The applicant withdraws their application from the lookup page."""

    reason = forms.CharField(
        label="撤回理由（选填）",
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "撤回理由不能超过200字"},
    )
    confirm = forms.BooleanField(
        label="我确认撤回本申请，撤回后本机关不再处理",
        error_messages={"required": "请勾选确认撤回"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        show_length_limits(self)


# Back office ----------------------------------------------------------------------------------


class RegisterRequestForm(ApplicantFieldsMixin, forms.ModelForm):
    """The office registers an application received in person, by post or by fax."""

    channel = forms.ChoiceField(
        label="申请方式",
        choices=[
            c
            for c in InformationRequest.Channel.choices
            if c[0] != InformationRequest.Channel.ONLINE
        ],
        error_messages={"required": "请选择申请方式"},
    )
    received_on = forms.DateField(
        label="收到申请日期",
        required=False,
        help_text="当面提交为提交当日（可不填）；信函为签收之日（必填）；传真待确认收到后起算",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "请填写正确的日期"},
    )

    field_order = ["channel", "received_on"]

    class Meta:
        model = InformationRequest
        fields = ["channel", *InformationRequest.APPLICANT_FIELDS, "department"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.active()
        self.fields["department"].empty_label = "（稍后指定）"

    def clean_received_on(self):
        received_on = self.cleaned_data.get("received_on")
        if received_on and received_on > timezone.localdate():
            raise ValidationError(
                "收到申请日期不能晚于今天，请按实际签收或提交的日期填写", code="future_date"
            )
        return received_on

    def clean(self):
        cleaned = self.clean_applicant(super().clean())
        if cleaned.get("channel") == InformationRequest.Channel.POST and not cleaned.get(
            "received_on"
        ):
            self.add_error(
                "received_on",
                ValidationError("信函申请请填写签收日期", code="received_on_required"),
            )
        return cleaned

    def _post_clean(self):
        # The registration goes through register_request(); no model validation of a half row.
        pass

    def register(self, *, by):
        return register_request(
            data=self.cleaned_data,
            channel=self.cleaned_data["channel"],
            received_on=self.cleaned_data.get("received_on"),
            by=by,
        )


class ConfirmReceiptForm(forms.Form):
    """确认收到: no input; the clock starts today."""


class CorrectionForm(forms.Form):
    items = forms.CharField(
        label="需补正的事项",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="一次性告知申请人需要补正的全部事项",
        error_messages={"required": "请写明需要补正的事项"},
    )
    period_days = forms.IntegerField(
        label="补正期限（工作日）",
        min_value=1,
        max_value=30,
        initial=10,
        error_messages={
            "required": "请填写补正期限",
            "min_value": "至少1个工作日",
            "max_value": "最多30个工作日",
        },
    )


class CorrectedForm(forms.Form):
    corrected_on = forms.DateField(
        label="收到补正日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写收到补正的日期", "invalid": "请填写正确的日期"},
    )
    note = forms.CharField(
        label="补正内容摘要", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class LapseForm(forms.Form):
    """逾期未补正: no input."""


class ThirdPartyOpinionRequestForm(forms.Form):
    third_party = forms.CharField(
        label="第三方名称", max_length=100, error_messages={"required": "请填写第三方名称"}
    )


class ThirdPartyOpinionForm(forms.Form):
    opinion = forms.CharField(
        label="第三方意见",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="第三方逾期未提出意见的可不填",
    )


class ExtensionForm(forms.Form):
    days = forms.IntegerField(
        label="延长工作日数",
        min_value=1,
        max_value=EXTENSION_MAX_WORKING_DAYS,
        initial=EXTENSION_MAX_WORKING_DAYS,
        error_messages={
            "required": "请填写延长的工作日数",
            "min_value": "至少延长1个工作日",
            "max_value": "延长的期限最长不超过20个工作日",
        },
    )
    reason = forms.CharField(
        label="延期理由",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写延期理由"},
    )


class ReplyForm(forms.Form):
    reply_type = forms.ChoiceField(
        label="办理结果",
        choices=[("", "请选择"), *InformationRequest.REPLY_CHOICES],
        error_messages={"required": "请选择办理结果", "invalid_choice": "请选择办理结果"},
    )
    legal_basis = forms.CharField(
        label="法律依据",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="如：《中华人民共和国政府信息公开条例》第三十六条第（二）项",
        error_messages={"required": "请填写法律依据"},
    )
    text = forms.CharField(
        label="答复内容",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "请填写答复内容"},
    )


class StaffWithdrawForm(forms.Form):
    reason = forms.CharField(
        label="撤回说明",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="如：申请人于某日电话申请撤回",
        error_messages={"required": "请填写撤回说明"},
    )

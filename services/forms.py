"""Forms of 办事服务: the public result lookup, the 好差评 ratings and the admin's result import."""

import os

from django import forms
from django.core.exceptions import ValidationError

from portal.forms import CitizenForm
from portal.ratings import Rating
from services.models import ApprovalResult, ServiceWindow

MAX_IMPORT_BYTES = 5 * 1024 * 1024


class ResultLookupForm(forms.Form):
    """查询办件: find one application by its 受理编号."""

    number = forms.CharField(
        label="受理编号",
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": "如 BDC20261125-0012", "autocomplete": "off"}),
        error_messages={"required": "请填写受理编号"},
    )

    def clean_number(self):
        number = self.cleaned_data["number"].strip().upper()
        if not number.replace("-", "").isalnum():
            raise ValidationError("受理编号只包含字母、数字和连字符", code="invalid_number")
        return number


class ResultImportForm(forms.Form):
    file = forms.FileField(
        label="办件结果文件",
        help_text="CSV（UTF-8 或 GBK 编码）或 Excel（.xlsx）。第一行为列标题：受理编号、事项编码、"
        "申请人、申请人类型（个人/单位）、受理日期、状态（受理/办理中/办结/不予许可/退回补正）、"
        "办结日期、办理结果。已有的受理编号将更新其状态。",
        error_messages={"required": "请选择要导入的文件"},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        extension = os.path.splitext(upload.name)[1].lower()
        if extension not in {".csv", ".xlsx"}:
            raise ValidationError("只支持 CSV 或 XLSX 文件", code="file_type")
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError("文件不能超过 5 MB，请分批导入", code="file_too_large")
        return upload


# 好差评 ------------------------------------------------------------------------------------------
def level_field(label, *, required=True):
    return forms.ChoiceField(
        label=label,
        choices=Rating.choices if required else [("", "不评价"), *Rating.choices],
        required=required,
        widget=forms.RadioSelect,
        error_messages={"required": f"请选择{label}", "invalid_choice": f"请选择有效的{label}"},
    )


def comment_field():
    return forms.CharField(
        label="评价内容",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="不满意的，请写明原因，我们将在15个工作日内整改并回访",
        error_messages={"max_length": "评价内容不能超过500字（现有 %(show_value)d 字）"},
    )


class ApplicantCheckForm(CitizenForm):
    """A 办件 unlocked by its 受理编号 and the applicant's phone's last four digits."""

    number = ResultLookupForm.base_fields["number"]
    check = forms.CharField(
        label="联系电话后四位",
        max_length=4,
        min_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text="申请时登记的联系电话的后四位",
        error_messages={
            "required": "请填写联系电话后四位",
            "min_length": "请填写4位数字",
            "max_length": "请填写4位数字",
        },
    )

    clean_number = ResultLookupForm.clean_number
    result = None

    def clean(self):
        cleaned = super().clean()
        number, check = cleaned.get("number"), cleaned.get("check")
        if number and check:
            result = (
                ApprovalResult.objects.select_related("guide")
                .filter(tracking_number__iexact=number)
                .first()
            )
            if result is None or not result.applicant_check_passes(check):
                raise ValidationError("受理编号或联系电话后四位不正确", code="no_match")
            self.result = result
        return cleaned


class ResultRatingForm(ApplicantCheckForm):
    """一事一评: the applicant rates a finished 办件 once, on five levels and four indicators."""

    level = level_field("总体评价")
    efficiency = level_field("办事效率", required=False)
    attitude = level_field("服务态度", required=False)
    guide_accuracy = level_field("办事指南准确度", required=False)
    convenience = level_field("办事便捷度", required=False)
    comment = comment_field()

    def clean(self):
        cleaned = super().clean()
        if self.result is not None:
            if not self.result.may_be_rated():
                raise ValidationError("该办件尚未办结，办结后才能评价", code="not_finished")
            if self.result.ratings.filter(channel="online").exists():
                raise ValidationError("该办件已经评价过，每个办件只能评价一次", code="rated")
        return cleaned

    def indicators(self):
        return {
            name: self.cleaned_data.get(name, "")
            for name in ("efficiency", "attitude", "guide_accuracy", "convenience")
        }


class GuideRatingForm(CitizenForm):
    """评价办事指南: is the guide accurate (办事指南准确度)."""

    level = level_field("指南准确度")
    comment = comment_field()


class KioskRatingForm(CitizenForm):
    """一次一评 on the hall's kiosk right after a transaction: a window and a level, no typing."""

    window = forms.ModelChoiceField(
        label="办理窗口",
        queryset=ServiceWindow.objects.active(),
        required=False,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"invalid_choice": "请选择有效的窗口"},
    )
    level = level_field("本次服务评价")

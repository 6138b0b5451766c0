"""Forms of 办事服务: the public result lookup and the admin's result import."""

import os

from django import forms
from django.core.exceptions import ValidationError

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

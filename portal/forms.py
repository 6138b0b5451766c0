"""Pieces every citizen-facing form shares: the anti-bot check, honeypot, phone validation, rate
limits."""

import re
from contextvars import ContextVar
from functools import wraps

import django_filters
from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.widgets import AdminDateWidget
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django_ratelimit.core import is_ratelimited
from django_ratelimit.exceptions import Ratelimited

from .captcha import MISSING_SOLUTION, check_solution
from .widgets import use_quick_widgets

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LOOPBACK = {"127.0.0.1", "::1"}
# Set by public_form_limits for one request: settings.PUBLIC_FORM_CAPTCHA is off (load tests,
# PUBLIC_FORM_CAPTCHA_OFF=1) and the request comes from this machine, so the form has no anti-bot
# check.
captcha_waived = ContextVar("captcha_waived", default=False)


def clean_mobile(value):
    """Return a mainland mobile number without spaces or dashes, or raise a Chinese error."""
    phone = re.sub(r"[\s-]", "", value or "")
    if phone.startswith("+86"):
        phone = phone[3:]
    if not MOBILE_RE.fullmatch(phone):
        raise ValidationError("请填写正确的11位手机号码", code="invalid_phone")
    return phone


class CaptchaWidget(forms.HiddenInput):
    """The hidden input the browser fills with its proof of work, a live status line in Chinese,
    a retry button and a message for browsers without JavaScript (portal/captcha.py)."""

    def render(self, name, value, attrs=None, renderer=None):
        # A solution is good for one submission: a form shown again starts a new check. The
        # template lives in the project's tree, which Django's form renderer does not search.
        context = self.get_context(name, None, attrs)
        context["challenge_url"] = reverse("captcha-challenge")
        return render_to_string("includes/captcha_widget.html", context)


class CaptchaField(forms.CharField):
    """人机验证: an ALTCHA proof of work solved by the browser, verified and used once."""

    widget = CaptchaWidget

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "人机验证")
        kwargs.setdefault("error_messages", {"required": MISSING_SOLUTION})
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        check_solution(value)


class CitizenForm(forms.Form):
    """Base of public forms: a self-hosted anti-bot check and a honeypot field people never see.

    Subclasses list their own fields; `captcha` and `website` are appended after them.
    """

    website = forms.CharField(
        label="网址（请勿填写）",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    captcha = CaptchaField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if captcha_waived.get():
            # Load tests switch the check off for requests from this machine only.
            del self.fields["captcha"]
        # Keep the anti-spam fields last, whatever the subclass declares.
        for name in ("website", "captcha"):
            if name in self.fields:
                self.fields[name] = self.fields.pop(name)
        show_length_limits(self)

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise ValidationError("提交未通过校验，请刷新页面后重试", code="honeypot")
        return ""


def show_length_limits(form):
    """Take `maxlength` off a public form's inputs: a browser cuts a paste at it without a word.

    The server refuses an over-long text with a Chinese error and keeps it for editing; long text
    boxes get `data-max-length`, which static/js/site.js shows as a character count.
    """
    for field in form.fields.values():
        limit = field.widget.attrs.pop("maxlength", None)
        if limit and isinstance(field.widget, forms.Textarea):
            field.widget.attrs["data-max-length"] = limit
    return form


def post_or_redirect(to):
    """A POST-only address of a public form: a GET (the address reopened, bookmarked or sent on)
    is redirected to the page `to` (a URL name taking the view's arguments) that holds the form,
    instead of a blank 405 page; other methods still get 405."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in ("GET", "HEAD"):
                return redirect(to, *args, **kwargs)
            if request.method != "POST":
                return HttpResponseNotAllowed(["GET", "POST"])
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def public_form_limits(group, *, phone_field="phone"):
    """Limit POSTs to a public form per IP and per phone number (settings.PUBLIC_FORM_RATES).

    A request over the limit gets the Chinese 429 page (settings.RATELIMIT_VIEW); GETs are free.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            waived = captcha_waived.set(
                not getattr(settings, "PUBLIC_FORM_CAPTCHA", True)
                and request.META.get("REMOTE_ADDR") in LOOPBACK
            )
            try:
                return limited(request, *args, **kwargs)
            finally:
                captcha_waived.reset(waived)

        def limited(request, *args, **kwargs):
            if request.method == "POST":
                rates = settings.PUBLIC_FORM_RATES
                by_ip = is_ratelimited(
                    request,
                    group=f"{group}:ip",
                    key="ip",
                    rate=rates["ip"],
                    method="POST",
                    increment=True,
                )
                phone = re.sub(r"\D", "", request.POST.get(phone_field, ""))
                by_phone = bool(phone) and is_ratelimited(
                    request,
                    group=f"{group}:phone",
                    key=lambda g, r: phone,
                    rate=rates["phone"],
                    method="POST",
                    increment=True,
                )
                if by_ip or by_phone:
                    raise Ratelimited()
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class SearchForm(forms.Form):
    """The site search: a query and optional filters. Bad filter values are errors, not 500s."""

    ORDER_CHOICES = [("relevance", "按相关度"), ("date", "按发布时间")]

    q = forms.CharField(
        label="关键词",
        max_length=60,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "请输入关键词，如：土地征收"}
        ),
    )
    kind = forms.ChoiceField(label="类型", required=False)
    department = forms.ModelChoiceField(
        label="发布机构", queryset=None, required=False, empty_label="全部"
    )
    year = forms.TypedChoiceField(label="年份", required=False, coerce=int, empty_value=None)
    order = forms.ChoiceField(label="排序", choices=ORDER_CHOICES, required=False)

    def __init__(self, *args, kinds=(), **kwargs):
        from django.utils import timezone

        from .models import Department

        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.active()
        self.fields["kind"].choices = [("", "全部"), *((kind, kind) for kind in kinds)]
        this_year = timezone.localdate().year
        self.fields["year"].choices = [("", "全部")] + [
            (year, f"{year}年") for year in range(this_year, this_year - 12, -1)
        ]
        use_quick_widgets(self)

    def clean_q(self):
        query = " ".join(self.cleaned_data["q"].split())
        if len(query) == 1:
            raise ValidationError("请输入两个字以上的关键词", code="too_short")
        return query


class PublicFilterSet(django_filters.FilterSet):
    """The filters above a public list: their selects and text boxes render without templates.

    A query string that names none of the filters (`?page=2`) leaves the set unbound: the page
    shows the same empty form as the first page (remembered per column, see
    disclosure_tags.column_head) instead of validating and rendering a bound one, which cost a
    deep page a third of its time.
    """

    def __init__(self, data=None, *args, **kwargs):
        if not self.filters_asked(data):
            data = None
        super().__init__(data, *args, **kwargs)

    @classmethod
    def filters_asked(cls, data):
        """Return whether the query string data names any of the filters."""
        return data is not None and any(
            key == name or key.startswith(f"{name}_") for key in data for name in cls.base_filters
        )

    @property
    def form(self):
        return use_quick_widgets(super().form)


class StaffLoginForm(AdminAuthenticationForm):
    """The admin login: a user name longer than any account's is refused before authentication.

    Django's form only sets the widget's maxlength, so a forged POST reached the lockout records
    (django-axes keeps at most 255 characters) and failed there.
    """

    def clean_username(self):
        username = self.cleaned_data["username"]
        limit = get_user_model()._meta.get_field("username").max_length
        if len(username) > limit:
            raise ValidationError(f"用户名最多 {limit} 个字符", code="max_length")
        return username


class TrackingLookupForm(forms.Form):
    """Look up a citizen's message or application by its number and 查询码.

    A subclass names the model (with `tracking_number` and `check_query_code()`), what the number
    is called and an example; a valid form holds the record found as `form.record`.
    """

    model = None
    number_label = "受理编号"
    number_example = ""

    tracking_number = forms.CharField(max_length=20)
    query_code = forms.CharField(
        label="查询码",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": "请填写查询码"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["tracking_number"]
        field.label = self.number_label
        field.help_text = f"如 {self.number_example}"
        field.error_messages["required"] = f"请填写{self.number_label}"
        self.record = None

    def clean_tracking_number(self):
        return self.cleaned_data["tracking_number"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        number, code = cleaned.get("tracking_number"), cleaned.get("query_code")
        if number and code:
            record = self.model.objects.filter(tracking_number=number).first()
            # One generic answer whether the number or the code is wrong: no number guessing.
            if record is None or not record.check_query_code(code):
                raise ValidationError(
                    f"{self.number_label}或查询码不正确，请核对后重新输入", code="lookup_failed"
                )
            self.record = record
        return cleaned


class TokenForm(forms.Form):
    """The six-digit code of an authenticator app (two-factor login and enrolment)."""

    token = forms.RegexField(
        label="验证码",
        regex=r"^\d{6}$",
        error_messages={"invalid": "请填写身份验证器应用显示的 6 位数字"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "maxlength": 6,
                "size": 8,
                "autofocus": True,
            }
        ),
    )

    def __init__(self, *args, device=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_token(self):
        token = self.cleaned_data["token"]
        if self.device is None:
            raise ValidationError("尚未启用两步验证", code="no_device")
        allowed, _ = self.device.verify_is_allowed()
        if not allowed:
            raise ValidationError("尝试次数过多，请稍候再试", code="throttled")
        if not self.device.verify_token(token):
            raise ValidationError("验证码不正确或已过期，请输入应用中最新的 6 位数字", code="bad")
        return token


class PasskeyNameForm(forms.Form):
    """The name a staff member gives a passkey before registering it ("办公电脑", "YubiKey")."""

    name = forms.CharField(
        label="通行密钥名称",
        max_length=64,
        help_text="便于日后识别，例如：办公电脑、YubiKey 安全密钥",
        error_messages={
            "required": "请填写通行密钥名称",
            "max_length": "名称最多 64 个字（现有 %(show_value)d 个）",
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_name(self):
        from .models import Passkey

        name = self.cleaned_data["name"]
        if Passkey.objects.filter(user=self.user, name=name).exists():
            raise ValidationError("您已有同名的通行密钥，请换一个名称", code="duplicate")
        return name


# 工作日历 按年录入 (admin) ----------------------------------------------------------------------
WORKDAY_LIST_RE = re.compile(r"[\s,，、;；]+")


class CalendarYearForm(forms.Form):
    """A year's holidays at once: the year, and the State Council's notice pasted (optional)."""

    year = forms.IntegerField(
        label="年度",
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": "请填写年度",
            "invalid": "年度应为四位数字，如 2027",
            "min_value": "年度不能早于 2000 年",
            "max_value": "年度不能晚于 2100 年",
        },
    )
    notice = forms.CharField(
        label="国务院办公厅通知原文",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 90}),
        help_text="可整篇粘贴《国务院办公厅关于××××年部分节假日安排的通知》，点“识别通知”后"
        "逐项填入下表；也可以不粘贴，直接在下表逐行填写。",
        error_messages={"max_length": "通知原文过长（最多 20000 字），请只粘贴通知正文"},
    )


class HolidayRowForm(forms.Form):
    """One holiday of the year: its name, first and last day off, and its 调休 working days."""

    name = forms.CharField(
        label="节日", max_length=30, error_messages={"required": "请填写节日名称"}
    )
    start = forms.DateField(
        label="放假开始",
        widget=AdminDateWidget,
        error_messages={"required": "请填写放假开始日期"},
    )
    end = forms.DateField(
        label="放假结束",
        widget=AdminDateWidget,
        error_messages={"required": "请填写放假结束日期"},
    )
    workdays = forms.CharField(
        label="调休上班日",
        required=False,
        max_length=200,
        help_text="周末上班的日期，多个用顿号或逗号分开，如 2027-02-20、2027-01-31",
    )

    def __init__(self, *args, year=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        for name in ("start", "end"):
            self.fields[name].error_messages["invalid"] = "日期格式应为 2027-01-01"

    def clean_workdays(self):
        days = []
        for part in filter(None, WORKDAY_LIST_RE.split(self.cleaned_data["workdays"].strip())):
            try:
                days.append(forms.DateField().clean(part))
            except ValidationError:
                raise ValidationError(
                    f"“{part}”不是日期，请写成 2027-02-20 的格式", code="invalid_workday"
                ) from None
        return tuple(days)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error(
                "end", ValidationError("结束日期不能早于开始日期", code="end_before_start")
            )
        return cleaned


class BaseHolidayRowFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not any(form.cleaned_data for form in self.forms):
            raise ValidationError("请至少填写一个节日的放假安排", code="no_rows")

    def arrangements(self):
        """Return the rows filled in as portal.workdays.HolidayArrangement."""
        from .workdays import HolidayArrangement

        return [
            HolidayArrangement(
                form.cleaned_data["name"].strip(),
                form.cleaned_data["start"],
                form.cleaned_data["end"],
                form.cleaned_data["workdays"],
            )
            for form in self.forms
            if form.cleaned_data
        ]


HolidayRowFormSet = forms.formset_factory(
    HolidayRowForm, formset=BaseHolidayRowFormSet, extra=8, max_num=20, validate_max=True
)


# 内容安全词库 导入 (admin) ---------------------------------------------------------------------
MAX_WORD_LIST_BYTES = 5 * 1024 * 1024


class WordListImportForm(forms.Form):
    file = forms.FileField(
        label="词库文件",
        help_text="CSV（UTF-8 或 GBK 编码）或 Excel（.xlsx），格式与“导出”的文件相同。"
        "第一行为列标题：词条、类别（必填），匹配方式、级别、正确写法、说明、启用（是/否）。同一类别下已有的词条"
        "按文件修改，没有的新增；文件中没有的词条保持不变（导入不删除词条）。",
        error_messages={"required": "请选择要导入的文件", "empty": "文件是空的"},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise ValidationError("只支持 CSV 或 XLSX 文件", code="file_type")
        if upload.size > MAX_WORD_LIST_BYTES:
            raise ValidationError("文件不能超过 5 MB，请分批导入", code="file_too_large")
        return upload

"""依申请公开 letters: the admin-editable templates and the letters issued from them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.template import Context, Template, TemplateSyntaxError
from django.template.loader import get_template
from django.utils import timezone

from portal.crypto import EncryptedTextField
from portal.models import staff_stamp
from portal.richtext import sanitize_html

__all__ = ["LetterTemplate", "RequestLetter"]


def format_day(day):
    """Return day as letters write it (2026年3月5日), or "" for None."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


# Titles of the letters; their default bodies are templates/disclosure/letters/default_<kind>.txt.
DEFAULT_LETTER_TITLES = {
    "reply": "政府信息公开申请答复告知书",
    "correction": "政府信息公开申请补正通知书",
    "extension": "政府信息公开申请延期答复告知书",
    "third_party": "政府信息公开征求第三方意见书",
}

REMEDY_SENTENCE = (
    "如对本答复不服，可以在收到本告知书之日起六十日内向{{ review_body }}申请行政复议，"
    "或者在六个月内向{{ court }}提起行政诉讼。"
)


class LetterTemplate(models.Model):
    """An admin-editable letter (告知书, 补正通知, 延期通知, 征求第三方意见) in template syntax.

    Available: info_request (the application), received_on, due_on, correction_due_on,
    third_party_due_on (dates in Chinese), bureau (单位名称), today, remedy (复议/诉讼 sentence).
    """

    class Kind(models.TextChoices):
        REPLY = "reply", "答复告知书"
        CORRECTION = "correction", "补正通知书"
        EXTENSION = "extension", "延期答复告知书"
        THIRD_PARTY = "third_party", "征求第三方意见书"

    kind = models.CharField("文书类型", max_length=14, choices=Kind, unique=True)
    title = models.CharField("标题", max_length=60)
    body = models.TextField(
        "正文模板",
        help_text="可使用 {{ info_request.applicant_name }}、{{ received_on }}、{{ due_on }}、"
        "{{ info_request.tracking_number }}、{{ remedy }} 等变量；每段一行",
    )
    review_body = models.CharField(
        "行政复议机关",
        max_length=60,
        default="江川市人民政府",
        help_text="答复告知书的救济条款使用",
    )
    court = models.CharField("管辖法院", max_length=60, default="江川市滨江区人民法院")
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "文书模板"
        verbose_name_plural = "依申请公开文书模板"
        ordering = ["kind"]

    def __str__(self):
        return self.get_kind_display()

    def clean(self):
        try:
            Template(self.body)
        except TemplateSyntaxError as exc:
            raise ValidationError(
                {"body": ValidationError(f"模板语法错误：{exc}", code="template_syntax")}
            ) from exc

    @classmethod
    def for_kind(cls, kind):
        """Return the template of kind, created from the built-in default the first time."""
        template = cls.objects.filter(kind=kind).first()
        if template is None:
            body = get_template(f"disclosure/letters/default_{kind}.txt").template.source
            template, _ = cls.objects.get_or_create(
                kind=kind, defaults={"title": DEFAULT_LETTER_TITLES[kind], "body": body}
            )
        return template

    def render(self, info_request, *, today):
        """Return the letter body as safe HTML paragraphs (variables autoescaped)."""
        from portal.models import SiteSettings

        remedy = Template(REMEDY_SENTENCE).render(
            Context({"review_body": self.review_body, "court": self.court})
        )
        context = Context(
            {
                "info_request": info_request,
                "received_on": format_day(
                    info_request.clock_started_on or info_request.received_on
                ),
                "due_on": format_day(info_request.due_on),
                "correction_due_on": format_day(info_request.correction_due_on),
                "third_party_due_on": format_day(info_request.third_party_due_on),
                "bureau": SiteSettings.load().bureau_name,
                "today": format_day(today),
                "remedy": remedy if self.kind == self.Kind.REPLY else "",
            }
        )
        text = Template(self.body).render(context)
        paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
        # The variables are autoescaped; the staff-written text is sanitised like rich text.
        return sanitize_html("".join(f"<p>{line}</p>" for line in paragraphs))


class RequestLetter(models.Model):
    """A letter as issued: rendered once from its template and never changed afterwards."""

    request = models.ForeignKey(
        "InformationRequest",
        verbose_name="申请",
        on_delete=models.PROTECT,
        related_name="letters",
    )
    kind = models.CharField("文书类型", max_length=14, choices=LetterTemplate.Kind)
    title = models.CharField("标题", max_length=60)
    # Encrypted at rest (portal/crypto.py): a letter names the applicant and their address.
    body = EncryptedTextField("正文", help_text="发出时生成的HTML")
    issued_on = models.DateField("落款日期")
    issued_at = models.DateTimeField("生成时间", default=timezone.now)
    issued_by = staff_stamp("生成人", editable=True)

    class Meta:
        verbose_name = "文书"
        verbose_name_plural = "依申请公开文书"
        ordering = ["issued_at", "pk"]

    def __str__(self):
        return f"{self.request.tracking_number} {self.title}"

    def is_for_applicant(self):
        """Return whether the applicant receives this letter (not the third party's)."""
        return self.kind != LetterTemplate.Kind.THIRD_PARTY

    @classmethod
    def issue(cls, info_request, kind, *, by, now):
        """Render the current template of kind for info_request and store the letter."""
        template = LetterTemplate.for_kind(kind)
        today = timezone.localdate(now)
        return cls.objects.create(
            request=info_request,
            kind=kind,
            title=template.title,
            body=template.render(info_request, today=today),
            issued_on=today,
            issued_at=now,
            issued_by=by,
        )

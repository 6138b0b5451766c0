"""Third-party opinion (征求第三方意见) fields and letter kind get their own names.

"Consultation" now means 征求意见 only. The columns keep their data (RenameField); the letter kind
"consultation" becomes "third_party", and stored letter templates name the application
`info_request` and the opinion deadline `third_party_due_on`.
"""

import re

from django.db import migrations, models

KIND_CHOICES = [
    ("reply", "答复告知书"),
    ("correction", "补正通知书"),
    ("extension", "延期答复告知书"),
    ("third_party", "征求第三方意见书"),
]

# Only the variables inside {{ }} and {% %} are renamed, never the letter's own words.
TAG_RE = re.compile(r"{[{%].*?[}%]}", re.DOTALL)


def _rename_variables(body, renames):
    def tag(match):
        text = match.group(0)
        for old, new in renames:
            text = re.sub(rf"(?<![\w.]){old}\b", new, text)
        return text

    return TAG_RE.sub(tag, body)


FORWARD = [("request", "info_request"), ("consultation_due_on", "third_party_due_on")]
BACKWARD = [("info_request", "request"), ("third_party_due_on", "consultation_due_on")]


def _migrate(apps, renames, old_kind, new_kind):
    LetterTemplate = apps.get_model("disclosure", "LetterTemplate")
    RequestLetter = apps.get_model("disclosure", "RequestLetter")
    for template in LetterTemplate.objects.all():
        template.body = _rename_variables(template.body, renames)
        if template.kind == old_kind:
            template.kind = new_kind
        template.save(update_fields=["body", "kind"])
    RequestLetter.objects.filter(kind=old_kind).update(kind=new_kind)


def forward(apps, schema_editor):
    _migrate(apps, FORWARD, "consultation", "third_party")


def backward(apps, schema_editor):
    _migrate(apps, BACKWARD, "third_party", "consultation")


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0007_informationrequest_department"),
    ]

    operations = [
        migrations.RenameField(
            model_name="informationrequest",
            old_name="consultation_started_on",
            new_name="third_party_asked_on",
        ),
        migrations.RenameField(
            model_name="informationrequest",
            old_name="consultation_due_on",
            new_name="third_party_due_on",
        ),
        migrations.RenameField(
            model_name="informationrequest",
            old_name="consultation_ended_on",
            new_name="third_party_answered_on",
        ),
        migrations.AlterField(
            model_name="lettertemplate",
            name="kind",
            field=models.CharField(
                choices=KIND_CHOICES, max_length=14, unique=True, verbose_name="文书类型"
            ),
        ),
        migrations.AlterField(
            model_name="requestletter",
            name="kind",
            field=models.CharField(choices=KIND_CHOICES, max_length=14, verbose_name="文书类型"),
        ),
        migrations.AlterField(
            model_name="lettertemplate",
            name="body",
            field=models.TextField(
                help_text="可使用 {{ info_request.applicant_name }}、{{ received_on }}、"
                "{{ due_on }}、{{ info_request.tracking_number }}、{{ remedy }} 等变量；每段一行",
                verbose_name="正文模板",
            ),
        ),
        migrations.RunPython(forward, backward),
    ]

"""Issue 16, names that say what they do: Message.replied_late becomes is_replied_late, and the
message kind 咨询 is stored as "inquiry" ("consultation" means 征求意见 only)."""

from django.db import migrations, models


def kind_to_inquiry(apps, schema_editor):
    apps.get_model("complaints", "Message").objects.filter(kind="consultation").update(
        kind="inquiry"
    )


def kind_to_consultation(apps, schema_editor):
    apps.get_model("complaints", "Message").objects.filter(kind="inquiry").update(
        kind="consultation"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0003_consultation_comment_events"),
    ]

    operations = [
        migrations.RenameField(
            model_name="message",
            old_name="replied_late",
            new_name="is_replied_late",
        ),
        migrations.AlterField(
            model_name="message",
            name="kind",
            field=models.CharField(
                choices=[
                    ("inquiry", "咨询"),
                    ("suggestion", "建议"),
                    ("complaint", "投诉"),
                    ("site_error", "网站纠错"),
                ],
                default="inquiry",
                max_length=12,
                verbose_name="留言类型",
            ),
        ),
        migrations.RunPython(kind_to_inquiry, kind_to_consultation, elidable=True),
    ]

# 征求意见 comments' text encrypted at rest (citizens write contact details into it).

from django.db import migrations

import portal.crypto


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0009_provisional_reply_deadline"),
    ]

    operations = [
        migrations.AlterField(
            model_name="consultationcomment",
            name="body",
            field=portal.crypto.EncryptedTextField(verbose_name="意见内容"),
        ),
        # Existing comments: encrypted in place (reversible; the migration is idempotent).
        portal.crypto.encrypt_existing_rows("complaints.ConsultationComment"),
    ]

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0018_audit_hash_chain"),
        ("portal", "0018_passkey"),
    ]

    operations = []

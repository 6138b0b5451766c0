# Passkeys (WebAuthn) as a second factor: the admin's proxy of django-otp-webauthn's credential.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0017_audit_account_created"),
        ("django_otp_webauthn", "0004_webauthnuserhandle"),
    ]

    operations = [
        migrations.CreateModel(
            name="Passkey",
            fields=[],
            options={
                "verbose_name": "通行密钥",
                "verbose_name_plural": "通行密钥",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("django_otp_webauthn.webauthncredential",),
        ),
    ]

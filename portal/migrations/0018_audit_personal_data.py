# The audit log's kinds for staff views of citizens' personal data and the retention erasure.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0017_audit_account_created"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="kind",
            field=models.CharField(
                choices=[
                    ("login", "登录"),
                    ("logout", "退出"),
                    ("login_failed", "登录失败"),
                    ("lockout", "账号锁定"),
                    ("idle_timeout", "闲置超时退出"),
                    ("roles_changed", "角色变更"),
                    ("permissions_changed", "权限变更"),
                    ("otp_enrolled", "启用两步验证"),
                    ("otp_verified", "两步验证通过"),
                    ("otp_failed", "两步验证失败"),
                    ("otp_reset", "重置两步验证"),
                    ("password_changed", "修改密码"),
                    ("account_disabled", "长期未用停用"),
                    ("account_created", "创建账号"),
                    ("personal_data_viewed", "查看个人信息"),
                    ("personal_data_erased", "删除过期个人信息"),
                ],
                max_length=20,
                verbose_name="事件",
            ),
        ),
    ]

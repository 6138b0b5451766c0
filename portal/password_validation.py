"""Password rules for staff accounts (等保 asks for length ≥ 10 and three character classes).

The length is checked by Django's MinimumLengthValidator (settings.AUTH_PASSWORD_VALIDATORS); this
validator adds the character classes, with its messages in Chinese.
"""

from django.core.exceptions import ValidationError

CHARACTER_CLASSES = {
    "大写字母": str.isupper,
    "小写字母": str.islower,
    "数字": str.isdigit,
    "符号": lambda char: not char.isalnum() and not char.isspace(),
}


class CharacterClassValidator:
    """Require characters from at least `min_classes` of: upper, lower, digits, symbols."""

    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def classes_in(self, password):
        return {name for name, test in CHARACTER_CLASSES.items() if any(map(test, password))}

    def validate(self, password, user=None):
        found = self.classes_in(password or "")
        if len(found) < self.min_classes:
            missing = "、".join(name for name in CHARACTER_CLASSES if name not in found)
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类，"
                f"当前缺少：{missing}",
                code="password_too_simple",
            )

    def get_help_text(self):
        return f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类。"


class PasswordHistoryValidator:
    """Refuse the current password and the last `count` ones (等保: no reuse of recent passwords),
    and remember each new one when it is set (Django calls `password_changed` after the save)."""

    def __init__(self, count=5):
        self.count = count

    def recent_hashes(self, user):
        hashes = [user.password] if user.password else []
        hashes += user.password_history.values_list("password", flat=True)[: self.count]
        return hashes

    def validate(self, password, user=None):
        if user is None or user.pk is None or not self.count:
            return
        from django.contrib.auth.hashers import check_password

        if any(check_password(password, encoded) for encoded in self.recent_hashes(user)):
            raise ValidationError(
                f"新密码不能与最近使用过的 {self.count} 个密码相同。",
                code="password_reused",
            )

    def password_changed(self, password, user=None):
        if user is None or user.pk is None:
            return
        from django.utils import timezone

        from .audit import record
        from .models import PasswordHistory, User

        now = timezone.now()
        User.objects.filter(pk=user.pk).update(password_changed_at=now)
        user.password_changed_at = now
        PasswordHistory.objects.create(user=user, password=user.password, created_at=now)
        keep = user.password_history.values_list("pk", flat=True)[: max(self.count, 1)]
        user.password_history.exclude(pk__in=list(keep)).delete()
        record("password_changed", user=user, detail="密码已修改")

    def get_help_text(self):
        return f"不能与最近使用过的 {self.count} 个密码相同。"

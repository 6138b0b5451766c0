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

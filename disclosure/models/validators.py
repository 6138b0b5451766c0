"""Checks of applicants' identity numbers: 统一社会信用代码 and 居民身份证号码."""

import re

from django.core.exceptions import ValidationError

__all__ = ["validate_credit_code", "validate_id_card"]

# 统一社会信用代码 (GB 32100-2015): 18 characters from this alphabet; the last is a check digit.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
CREDIT_CODE_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
ID_CARD_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CARD_CHECK = "10X98765432"


def credit_code_check_digit(first17):
    """Return the GB 32100-2015 check character of the first 17 characters of a credit code."""
    total = sum(
        CREDIT_CODE_ALPHABET.index(char) * weight
        for char, weight in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value):
    """Reject a 统一社会信用代码 with a wrong shape or check digit."""
    code = (value or "").strip().upper()
    if not CREDIT_CODE_RE.fullmatch(code):
        raise ValidationError(
            "统一社会信用代码应为18位数字或大写字母（不含I、O、Z、S、V）",
            code="invalid_credit_code",
        )
    if credit_code_check_digit(code[:17]) != code[17]:
        raise ValidationError(
            "统一社会信用代码校验位不正确，请核对后重新填写", code="credit_code_checksum"
        )


def validate_id_card(value):
    """Reject a 居民身份证号码 with a wrong shape or check digit (GB 11643-1999)."""
    number = (value or "").strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise ValidationError("居民身份证号码应为18位，最后一位可以是X", code="invalid_id_number")
    total = sum(
        int(char) * weight for char, weight in zip(number[:17], ID_CARD_WEIGHTS, strict=True)
    )
    if ID_CARD_CHECK[total % 11] != number[17]:
        raise ValidationError("居民身份证号码校验位不正确，请核对", code="id_number_checksum")

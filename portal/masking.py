"""Masking of personal data: every page, feed, export and log line masks through here."""

import re


def mask_name(name):
    """Return a person's name as 张** (surname kept, the rest starred)."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


def mask_phone(phone):
    """Return a phone number with its middle hidden: 138****5678, 0571-****4321."""
    phone = (phone or "").strip()
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 7:
        return "*" * len(phone)
    return phone[:3] + "****" + phone[-4:]


def mask_id_number(number):
    """Return an ID number with only its first and last characters: 3301**********123X."""
    number = (number or "").strip()
    if len(number) <= 4:
        return "*" * len(number)
    keep_head = 4 if len(number) >= 15 else 1
    return number[:keep_head] + "*" * (len(number) - keep_head - 4) + number[-4:]


def mask_address(address):
    """Return an address cut after the district: 某市西湖区****."""
    address = (address or "").strip()
    match = re.match(r"^(.*?[市县区旗])", address)
    head = match.group(1) if match else address[:3]
    return head + "****" if address else ""


# Personal data written into free text: 18/15-digit ID numbers, mobile and landline numbers. The
# lookarounds keep longer digit runs (order numbers, parcel codes) intact.
ID_NUMBER_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
MOBILE_IN_TEXT = re.compile(r"(?<!\d)(1[3-9]\d{9})(?!\d)")
LANDLINE_IN_TEXT = re.compile(r"(?<!\d)(0\d{2,3}-?\d{7,8})(?!\d)")


def mask_personal_data_in_text(text, *, landlines=True):
    """Return text with ID numbers and phone numbers inside it masked (for public versions).

    landlines=False keeps fixed-line numbers, for an office's own text (a reply naming the
    department's published telephone).
    """
    text = ID_NUMBER_IN_TEXT.sub(lambda m: mask_id_number(m.group(1)), text or "")
    text = MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group(1)), text)
    if landlines:
        text = LANDLINE_IN_TEXT.sub(lambda m: mask_phone(m.group(1)), text)
    return text

"""A logging filter that masks ID numbers and phone numbers in every log line (portal.masking)."""

import logging

from .masking import mask_personal_data_in_text


class MaskPersonalDataFilter(logging.Filter):
    """Rewrite the record's message with personal data masked; never drop a record."""

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the logger's problem, not ours
            return True
        masked = mask_personal_data_in_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True

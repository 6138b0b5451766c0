"""查询码: the short code a citizen gets with a receipt number to follow a message or application.

Only an HMAC of the code is stored (keyed with the site's secret key and a purpose per app, so a
code of one app never opens a record of another); the code itself is shown once on the receipt.
"""

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from .exceptions import InvalidTransition
from .models import CitizenNotice
from .notify import notify_citizen
from .transitions import lock

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone
LENGTH = 8


def new_query_code():
    """Return a fresh random 查询码 (about 40 bits; lookups are rate-limited)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def hash_query_code(code, *, purpose):
    """Return the stored form of a 查询码 for purpose (e.g. "complaints.query_code")."""
    normalised = (code or "").strip().upper()
    return salted_hmac(purpose, normalised, algorithm="sha256").hexdigest()


def query_code_matches(stored_hash, code, *, purpose):
    """Whether code is the 查询码 whose stored form is stored_hash (compared in constant time)."""
    return constant_time_compare(stored_hash, hash_query_code(code, purpose=purpose))


class QueryCodeHolder:
    """A citizen's case unlocked by 编号 + 查询码 (a message, an application) whose 查询码 the
    office can re-issue. The model has `query_code_hash`, the `Transitions` event log, and sets
    `query_code_purpose` and `query_code_event_kind` (its event kind for a re-issue)."""

    query_code_purpose = ""
    query_code_event_kind = ""

    @transaction.atomic
    def reissue_query_code(self, *, by, identity_check, now=None):
        """Give the citizen a new 查询码 after the office checked who they are; the old code
        stops working. Return the new code: shown once to the clerk, sent once to the contact."""
        identity_check = (identity_check or "").strip()
        if not identity_check:
            raise InvalidTransition(self, "reissue_query_code", "请写明如何核实了本人身份")
        lock(self, "query_code_hash")
        now = now or timezone.now()
        code = new_query_code()
        self.query_code_hash = hash_query_code(code, purpose=self.query_code_purpose)
        self.save(update_fields=["query_code_hash"])
        self.log(self.query_code_event_kind, by, now, f"核实身份：{identity_check}")
        notify_citizen(self, CitizenNotice.Kind.QUERY_CODE, query_code=code)
        return code

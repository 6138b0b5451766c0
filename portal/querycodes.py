"""查询码: the short code a citizen gets with a receipt number to follow a message or application.

Only an HMAC of the code is stored (keyed with the site's secret key and a purpose per app, so a
code of one app never opens a record of another); the code itself is shown once on the receipt.
"""

import secrets

from django.utils.crypto import constant_time_compare, salted_hmac

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

"""The hash chain of the security audit log (安全审计日志防篡改).

Each `AuditEntry` stores `hash = SHA-256(previous hash | canonical fields)`. The canonical fields
are the row's id, its time in UTC ISO format with microseconds, kind, user id, username, address
and detail, serialised as compact JSON with sorted keys (UTF-8, Chinese kept as is). The first row
after an empty log chains to "" (the genesis), or to the hash of the last pruned row, which the
prune keeps in `AuditAnchor`. Changing, removing or reordering any row breaks the link of the
row after it; `manage.py verify_audit_log` walks the chain and names the first broken link.

What the chain cannot show by itself: rows cut off at the newest end. `verify_audit_log` prints
the head (id and hash) so that it can be kept outside the database (the daily report, a ticket).

Writers take one lock per chain so that concurrent inserts keep one chain: on PostgreSQL a
transaction-level advisory lock, held until the writer's transaction commits; on SQLite the
database runs every transaction as BEGIN IMMEDIATE (settings), which already serialises writers.
On PostgreSQL the table is append-only (a trigger, migration 0018); see `prune()`.

The canonical form must never change: rows written with an older form would stop verifying.
"""

import hashlib
import json
from datetime import UTC

from django.db import connection

GENESIS = ""
# The key of the advisory lock that serialises the writers of the chain (any constant bigint).
CHAIN_LOCK_KEY = 2126_0021
# The least retention the database itself enforces on PostgreSQL (settings may ask for more).
MIN_RETENTION_DAYS = 180


def canonical(*, id, at, kind, user_id, username, ip_address, detail) -> str:
    """Return the canonical serialisation of one entry's fields (see the module docstring)."""
    fields = {
        "id": int(id),
        "at": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "kind": str(kind),
        "user_id": int(user_id) if user_id is not None else None,
        "username": str(username or ""),
        "ip_address": str(ip_address or ""),
        "detail": str(detail or ""),
    }
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def chain_hash(previous: str, **fields) -> str:
    """Return SHA-256(previous | canonical fields) as 64 hex digits."""
    payload = f"{previous}|{canonical(**fields)}"
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def row_hash(previous: str, row) -> str:
    """The hash of an `AuditEntry` (current or historical model) chained to `previous`."""
    ip_field = row._meta.get_field("ip_address")
    return chain_hash(
        previous,
        id=row.pk,
        at=row.at,
        kind=row.kind,
        user_id=row.user_id,
        username=row.username,
        ip_address=ip_field.get_prep_value(row.ip_address),  # as stored: IPv6 normalised
        detail=row.detail,
    )


def lock_chain():
    """Serialise the chain's writers until the current transaction ends (see module docstring)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


def next_id(model) -> int:
    """The id the next entry will carry, taken under the chain lock so ids follow the chain."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [model._meta.db_table]
            )
            return cursor.fetchone()[0]
        # SQLite: the AUTOINCREMENT counter never goes back, even after the oldest rows are pruned.
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [model._meta.db_table])
        found = cursor.fetchone()
        cursor.execute(f"SELECT MAX(id) FROM {table}")  # noqa: S608 - our own table name
        highest = cursor.fetchone()[0]
        return max(found[0] if found else 0, highest or 0) + 1

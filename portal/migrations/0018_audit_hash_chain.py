"""The audit log's hash chain (portal.audit_chain) and, on PostgreSQL, its append-only trigger.

Existing rows get their hashes in id order. On PostgreSQL a trigger then refuses every UPDATE and
DELETE of portal_auditentry, except the retention prune through
portal_prune_audit(retention_days), which only removes rows older than 180 days (or the longer
retention asked) and records the last removed row's hash in portal_auditanchor (append-only).
SQLite has no such trigger: there the chain alone shows a change. A database superuser can
always drop a trigger; the chain is what shows it afterwards.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from portal.audit_chain import CHAIN_LOCK_KEY, GENESIS, MIN_RETENTION_DAYS, row_hash

APPEND_ONLY_SQL = f"""
CREATE OR REPLACE FUNCTION portal_auditentry_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Only the retention prune (portal_prune_audit) deletes, and only rows past retention.
    IF TG_OP = 'DELETE'
       AND current_setting('portal.audit_prune', true) = 'on'
       AND OLD.at < now() - interval '{MIN_RETENTION_DAYS} days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '安全审计日志只能追加，不能修改或删除（%）', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER portal_auditentry_append_only
    BEFORE UPDATE OR DELETE ON portal_auditentry
    FOR EACH ROW EXECUTE FUNCTION portal_auditentry_append_only();

CREATE OR REPLACE FUNCTION portal_auditanchor_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '审计日志裁剪锚点只能追加，不能修改或删除（%）', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER portal_auditanchor_append_only
    BEFORE UPDATE OR DELETE ON portal_auditanchor
    FOR EACH ROW EXECUTE FUNCTION portal_auditanchor_append_only();

CREATE OR REPLACE FUNCTION portal_prune_audit(retention_days integer) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    cutoff timestamptz := now() - make_interval(days => retention_days);
    v_first_kept bigint;
    v_last_id bigint;
    v_last_hash varchar(64);
    v_deleted integer;
BEGIN
    IF retention_days IS NULL OR retention_days < {MIN_RETENTION_DAYS} THEN
        RAISE EXCEPTION '安全审计日志至少保存 {MIN_RETENTION_DAYS} 天'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM pg_advisory_xact_lock({CHAIN_LOCK_KEY});
    SELECT min(e.id) INTO v_first_kept FROM portal_auditentry e WHERE e.at >= cutoff;
    SELECT e.id, e.hash INTO v_last_id, v_last_hash FROM portal_auditentry e
        WHERE v_first_kept IS NULL OR e.id < v_first_kept
        ORDER BY e.id DESC LIMIT 1;
    IF v_last_id IS NULL THEN
        RETURN 0;
    END IF;
    PERFORM set_config('portal.audit_prune', 'on', true);
    DELETE FROM portal_auditentry e WHERE e.id <= v_last_id;
    GET DIAGNOSTICS v_deleted = ROW_COUNT;
    PERFORM set_config('portal.audit_prune', 'off', true);
    INSERT INTO portal_auditanchor (pruned_at, last_id, last_hash, count)
        VALUES (now(), v_last_id, v_last_hash, v_deleted);
    RETURN v_deleted;
END;
$$;
"""  # noqa: S608 - formatted with our own constants only

DROP_SQL = """
DROP TRIGGER IF EXISTS portal_auditentry_append_only ON portal_auditentry;
DROP TRIGGER IF EXISTS portal_auditanchor_append_only ON portal_auditanchor;
DROP FUNCTION IF EXISTS portal_auditentry_append_only();
DROP FUNCTION IF EXISTS portal_auditanchor_append_only();
DROP FUNCTION IF EXISTS portal_prune_audit(integer);
"""


def fill_hashes(apps, schema_editor):
    AuditEntry = apps.get_model("portal", "AuditEntry")
    db = schema_editor.connection.alias
    previous = GENESIS
    for row in AuditEntry.objects.using(db).order_by("pk").iterator(chunk_size=2000):
        previous = row_hash(previous, row)
        AuditEntry.objects.using(db).filter(pk=row.pk).update(hash=previous)


def install_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY_SQL, params=None)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0017_audit_account_created"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="hash",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="SHA-256（上一条的校验值 | 本条内容），由 verify_audit_log 核验",
                max_length=64,
                verbose_name="校验值",
            ),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="user",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="账号",
            ),
        ),
        migrations.CreateModel(
            name="AuditAnchor",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "pruned_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="裁剪时间"
                    ),
                ),
                ("last_id", models.BigIntegerField(verbose_name="最后删除的记录")),
                ("last_hash", models.CharField(max_length=64, verbose_name="其校验值")),
                ("count", models.PositiveIntegerField(verbose_name="删除条数")),
            ],
            options={
                "verbose_name": "审计日志裁剪锚点",
                "verbose_name_plural": "审计日志裁剪锚点",
                "ordering": ["-last_id"],
            },
        ),
        migrations.RunPython(fill_hashes, migrations.RunPython.noop),
        migrations.RunPython(install_triggers, drop_triggers),
    ]

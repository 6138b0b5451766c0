"""Re-encrypt every encrypted column under the current key (settings.PII_KEY_ID, PII_CIPHER).

Only rows with a value under another key or cipher are touched, in batches, each batch in its
own transaction with its rows locked: run it again after an interruption and it continues where
it stopped; run it when nothing is left and it changes nothing. Keep the old key in PII_KEYS
until it reports 0 rows to re-encrypt, then remove it.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from portal import crypto

BAR_WIDTH = 30


def stale_rows(model, fields):
    """Return the model's rows with a value of `fields` not under the current cipher and key."""
    prefix = crypto.current_prefix()
    raw = {f"raw_{name}": Cast(name, TextField()) for name in fields}  # the stored text
    stale = Q()
    for name in fields:
        stale |= ~Q(**{f"raw_{name}__startswith": prefix}) & ~Q(**{f"raw_{name}": ""})
    return model._base_manager.annotate(**raw).filter(stale).order_by("pk")


class Command(BaseCommand):
    help = "用当前密钥（PII_KEY_ID）重新加密全部个人信息字段；可重复运行，中断后从未完成处继续"

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="每批重新加密的行数")

    def handle(self, *args, batch_size, **options):
        for model in apps.get_models():
            fields = crypto.encrypted_fields(model)
            if not fields or model._meta.proxy or not model._meta.managed:
                continue
            self.rotate(model, fields, batch_size)

    def rotate(self, model, fields, batch_size):
        label = f"{model._meta.label}（{model._meta.verbose_name}）"
        total, done, last_pk = stale_rows(model, fields).count(), 0, None
        while done < total:
            with transaction.atomic():
                rows = stale_rows(model, fields).select_for_update(of=("self",))
                if last_pk is not None:
                    rows = rows.filter(pk__gt=last_pk)
                batch = list(rows[:batch_size])
                if not batch:
                    break
                model._base_manager.bulk_update(batch, fields)
            done, last_pk = done + len(batch), batch[-1].pk
            filled = BAR_WIDTH * done // total
            self.stdout.write(
                f"\r{label} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total}",
                ending="",
            )
        self.stdout.write(f"\r{label}：{done} 行已用密钥 {crypto.current_prefix()[:-1]} 重新加密")

"""Citizens' personal data in the back office: found by keyed hash, every view audited, erased late.

The columns are encrypted at rest (portal/crypto.py), so the admin finds an applicant by the
exact name or phone through the row's keyed hash columns. Every opening of a page that shows a
citizen's unmasked name, phone, e-mail, ID number or address writes an audit entry (who, when,
which record; never the data itself). `erase` blanks the personal contact data of a closed case
once the retention period (settings.PII_RETENTION_YEARS) is over; the case and its figures stay.
"""

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import crypto
from .audit import record
from .models import AuditEntry

# What a required personal field reads once erased.
ERASED = "已删除"


def retention_cutoff(*, now=None):
    """Return the moment PII_RETENTION_YEARS before now: cases closed earlier are erased."""
    now = now or timezone.now()
    year = now.year - settings.PII_RETENTION_YEARS
    return now.replace(year=year, day=min(now.day, 28) if now.month == 2 else now.day)


def expired_querysets(*, cutoff):
    """Return, per model that keeps personal data, its rows whose retention ended before cutoff.

    Each such model's QuerySet names the rule (`personal_data_expired(cutoff=)`): when its
    case counts as closed is the model's own business.
    """
    return [
        model._default_manager.personal_data_expired(cutoff=cutoff)
        for model in apps.get_models()
        if hasattr(model._default_manager, "personal_data_expired")
    ]


def record_view(request, obj, *, what="查看"):
    """Audit that request.user saw the personal data of obj (by its number, never its content)."""
    number = getattr(obj, "tracking_number", "") or f"#{obj.pk}"
    record(
        AuditEntry.Kind.PERSONAL_DATA_VIEWED,
        user=request.user,
        request=request,
        detail=f"{what}{obj._meta.verbose_name} {number} 的个人信息",
    )


def erase(obj):
    """Blank obj's encrypted personal fields (required ones read 已删除) and their hashes, and
    delete the files the citizen attached to it (ID copies, photos: portal.uploads)."""
    fields = [obj._meta.get_field(name) for name in crypto.encrypted_fields(type(obj))]
    for field in fields:
        setattr(obj, field.attname, "" if field.blank else ERASED)
    hashes = [field.name for field in crypto.hash_fields(type(obj))]
    obj.save(update_fields=[field.name for field in fields] + hashes)
    erase_attachments(obj)


def erase_attachments(obj):
    """Delete the private attachments of obj: the rows now, the files once the erasure commits
    (a rolled-back erasure keeps them)."""
    from .uploads import PrivateAttachment

    for relation in obj._meta.related_objects:
        if not issubclass(relation.related_model, PrivateAttachment):
            continue
        for attachment in getattr(obj, relation.get_accessor_name()).all():
            storage, name = attachment.file.storage, attachment.file.name
            attachment.delete()
            if name:
                transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))


@transaction.atomic
def erase_expired(querysets, *, cutoff):
    """Erase the personal data of every row of the querysets; audit the run; return the counts."""
    counts = {}
    for queryset in querysets:
        count = 0
        for obj in queryset.select_for_update(of=("self",)).iterator():
            erase(obj)
            count += 1
        counts[queryset.model._meta.verbose_name] = count
    summary = "，".join(f"{name} {count} 件" for name, count in counts.items())
    record(
        AuditEntry.Kind.PERSONAL_DATA_ERASED,
        username="system",
        detail=f"删除 {cutoff:%Y-%m-%d} 前办结案件的个人联系信息：{summary}",
    )
    return counts


class PersonalDataAdmin(admin.ModelAdmin):
    """The admin of a case with a citizen's personal data: hashed exact search, audited views.

    `hashed_search_fields` maps a KeyedHashField to its kind ("phone", "text"): a search term
    that equals a stored name or phone finds the row, as `=applicant_name` did before the
    columns were encrypted.
    """

    hashed_search_fields = {}

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        matches = Q()
        for field, kind in self.hashed_search_fields.items():
            digest = crypto.keyed_hash(search_term, kind)
            if digest:
                matches |= Q(**{field: digest})
        if matches:
            results |= queryset.filter(matches)
        return results, may_have_duplicates

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        original = getattr(response, "context_data", {}).get("original")
        if response.status_code == 200 and original is not None:
            record_view(request, original)
        return response

"""Mask the sender's name in the public version of messages already reviewed (#18), and refresh
their rows of the site search, so that a published message is no longer found by the name."""

from django.db import migrations

from portal.masking import mask_names_in_text
from portal.search import entry_fields

FIELDS = ("public_subject", "public_body", "public_reply")


def mask_sender_names(apps, schema_editor):
    Message = apps.get_model("complaints", "Message")
    SearchEntry = apps.get_model("portal", "SearchEntry")
    reviewed = Message.objects.filter(reviewed_at__isnull=False).select_related("category")
    for message in reviewed.iterator(chunk_size=500):
        names = [message.sender_name]
        changed = [
            field
            for field in FIELDS
            if mask_names_in_text(getattr(message, field), names) != getattr(message, field)
        ]
        if not changed:
            continue
        for field in changed:
            setattr(message, field, mask_names_in_text(getattr(message, field), names))
        message.save(update_fields=changed)
        entry = SearchEntry.objects.filter(key=f"complaints.message:{message.pk}").first()
        if entry is None:
            continue
        fields = entry_fields(
            kind=entry.kind,
            title=message.public_subject,
            url=entry.url,
            text=f"{message.public_body} 答复：{message.public_reply}",
            published_at=entry.published_at,
            department_id=entry.department_id,
            column=entry.column,
            extra=f"{message.tracking_number} {message.category.name}",
        )
        for name, value in fields.items():
            setattr(entry, name, value)
        entry.save()


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0013_reply_templates_per_kind"),
        ("portal", "0007_search_title_vector"),
    ]

    operations = [
        migrations.RunPython(mask_sender_names, migrations.RunPython.noop),
    ]

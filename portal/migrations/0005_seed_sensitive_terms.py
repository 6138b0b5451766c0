"""Seed the content-safety word lists from portal/data/sensitive_terms.tsv (the starting set)."""

from pathlib import Path

from django.db import migrations

SEED_FILE = Path(__file__).resolve().parent.parent / "data" / "sensitive_terms.tsv"


def read_seed():
    for line in SEED_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        category, severity, term, suggestion, note = line.split("\t")
        is_pattern = term.startswith("re:")
        yield {
            "category": category,
            "severity": severity,
            "term": term[3:] if is_pattern else term,
            "suggestion": suggestion,
            "note": note,
            "is_pattern": is_pattern,
        }


def seed(apps, schema_editor):
    SensitiveTerm = apps.get_model("portal", "SensitiveTerm")
    for row in read_seed():
        SensitiveTerm.objects.get_or_create(
            category=row.pop("category"), term=row.pop("term"), defaults=row
        )


def unseed(apps, schema_editor):
    SensitiveTerm = apps.get_model("portal", "SensitiveTerm")
    for row in read_seed():
        SensitiveTerm.objects.filter(category=row["category"], term=row["term"]).delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0004_content_safety")]

    operations = [migrations.RunPython(seed, unseed)]

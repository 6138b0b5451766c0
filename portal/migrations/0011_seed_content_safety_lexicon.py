"""Seed the content-safety lexicon from the data files in portal/data/ (sources in their headers):
spam_terms.tsv (gambling, lottery, porn and fraud spam: words, brands, context words, patterns),
misspellings.tsv (常见错别字 and 易错词 of official writing, with the correct form),
institution_names.tsv (superior bodies' standard names, checked for one-character slips) and
personal_data.tsv (patterns of ID documents other than the 身份证, which the scanner checks itself)."""

from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def rows(name):
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.split("\t")


def read_seed():
    for category, severity, kind, term, suggestion, note in rows("spam_terms.tsv"):
        yield {
            "category": category,
            "severity": severity,
            "kind": kind,
            "term": term,
            "suggestion": suggestion,
            "note": note,
        }
    for wrong, correct, note in rows("misspellings.tsv"):
        yield {
            "category": "misspelling",
            "severity": "warn",
            "kind": "word",
            "term": wrong,
            "suggestion": correct,
            "note": note or "错别字",
        }
    for name, note in rows("institution_names.tsv"):
        yield {
            "category": "institution_name",
            "severity": "warn",
            "kind": "name",
            "term": name,
            "suggestion": "",
            "note": f"标准名称（{note}）",
        }
    for severity, pattern, note in rows("personal_data.tsv"):
        yield {
            "category": "personal_data",
            "severity": severity,
            "kind": "pattern",
            "term": pattern,
            "suggestion": "",
            "note": note,
        }


def seed(apps, schema_editor):
    SensitiveTerm = apps.get_model("portal", "SensitiveTerm")
    existing = set(SensitiveTerm.objects.values_list("category", "term"))
    SensitiveTerm.objects.bulk_create(
        SensitiveTerm(**row)
        for row in read_seed()
        if (row["category"], row["term"]) not in existing
        and not existing.add((row["category"], row["term"]))
    )


def unseed(apps, schema_editor):
    SensitiveTerm = apps.get_model("portal", "SensitiveTerm")
    for row in read_seed():
        SensitiveTerm.objects.filter(category=row["category"], term=row["term"]).delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0010_content_safety_lexicon")]

    operations = [migrations.RunPython(seed, unseed)]

"""The first seed's betting-domain patterns listed a few TLDs; the scanner now finds any domain
or URL whose name carries a listed brand, whatever its TLD, so they are switched off (kept, and
editable, in the admin). Entries added to the data files since 0011 are seeded too."""

import importlib

from django.db import migrations

seed_lexicon = importlib.import_module("portal.migrations.0011_seed_content_safety_lexicon")
SUPERSEDED = "已由“网址含博彩品牌（不限顶级域名）”的规则代替"


def old_domain_patterns(SensitiveTerm):
    # Only the three patterns of portal/data/sensitive_terms.tsv start with a lookbehind.
    return SensitiveTerm.objects.filter(category="spam", kind="pattern", term__startswith="(?<!")


def forwards(apps, schema_editor):
    seed_lexicon.seed(apps, schema_editor)
    SensitiveTerm = apps.get_model("portal", "SensitiveTerm")
    old_domain_patterns(SensitiveTerm).update(is_active=False, note=SUPERSEDED)


def backwards(apps, schema_editor):
    SensitiveTerm = apps.get_model("portal", "SensitiveTerm")
    old_domain_patterns(SensitiveTerm).update(is_active=True, note="博彩网站域名")


class Migration(migrations.Migration):
    dependencies = [("portal", "0011_seed_content_safety_lexicon")]

    operations = [migrations.RunPython(forwards, backwards)]

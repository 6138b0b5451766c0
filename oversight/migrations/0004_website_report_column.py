"""The catalog column the 政府网站工作年度报表 is published in: 公开年报 › 网站年度报表."""

from django.db import migrations

SLUG = "wzbb"


def create_column(apps, schema_editor):
    Category = apps.get_model("disclosure", "Category")
    parent = Category.objects.filter(slug="gknb").first()
    Category.objects.get_or_create(
        slug=SLUG,
        defaults={
            "name": "网站年度报表",
            "parent": parent,
            "update_days": 365,
            "order": 20,
            "description": "政府网站工作年度报表",
            "keywords": "政府网站工作年度报表",
            "disclosure_basis": "《政府网站发展指引》（国办发〔2017〕47号）",
            "disclosure_time_limit": "每年1月31日前",
            "disclosure_body": parent.disclosure_body if parent else "",
            "disclosure_channels": "政府网站",
            "disclosure_audience": "全社会",
            "disclosure_method": "主动公开",
            "disclosure_level": parent.disclosure_level if parent else "",
            "department_id": parent.department_id if parent else None,
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0009_category_standard_attributes"),
        ("oversight", "0003_website_report"),
    ]

    operations = [migrations.RunPython(create_column, migrations.RunPython.noop)]

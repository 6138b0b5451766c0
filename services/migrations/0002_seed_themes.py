"""Seed the 办事主题 of a land & resources bureau; the office may add or rename them later."""

from django.db import migrations

THEMES = [
    ("bdcdj", "不动产登记", "首次登记、转移登记、抵押登记、变更登记、查询"),
    ("jsyd", "建设用地", "用地预审、农用地转用、土地供应、临时用地"),
    ("ghxk", "规划许可", "建设用地规划许可、建设工程规划许可、乡村建设规划许可"),
    ("kyq", "矿业权", "采矿权、探矿权的新立、延续、变更、注销"),
    ("tdzz", "土地整治", "土地复垦、土地整理、耕地占补平衡"),
    ("dcch", "测绘地籍", "地籍调查、测绘成果提供、界址点查询"),
]


def seed(apps, schema_editor):
    theme_model = apps.get_model("services", "ServiceTheme")
    for order, (slug, name, description) in enumerate(THEMES, start=1):
        theme_model.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "order": order * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("services", "0001_guides_results_hall")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

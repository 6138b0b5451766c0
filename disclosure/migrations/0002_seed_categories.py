"""Seed the catalog's columns: the Regulation's Art. 20/21 content and a land bureau's usual columns."""

from django.db import migrations

# (slug, name, update_days, description, children)
COLUMNS = [
    ("jgzn", "机构职能", None, "机构设置、职能、办公地址、办公时间、联系方式、负责人", []),
    ("zcwj", "政策文件", 180, "规章、规范性文件和其他政策文件", [
        ("gz", "规章", 180, ""),
        ("gfxwj", "规范性文件", 180, ""),
        ("qtwj", "其他文件", 180, ""),
    ]),
    ("zcjd", "政策解读", 180, "对重要政策文件的解读", []),
    ("zdjc", "重大决策", 180, "重大行政决策事项、依据、过程和结果", []),
    ("ghjh", "规划计划", 365, "国土空间规划、土地利用计划、矿产资源规划", []),
    ("tdzs", "土地征收", 90, "征地信息公开", [
        ("zdgg", "征地公告", 90, "征收土地预公告、征收土地公告"),
        ("bcaz", "补偿安置", 90, "征地补偿安置方案、补偿标准"),
    ]),
    ("tdgy", "土地供应", 90, "国有建设用地使用权供应", [
        ("crgg", "出让公告", 90, "国有建设用地使用权出让公告"),
        ("jggs", "结果公示", 90, "出让结果公示、划拨结果公示"),
    ]),
    ("bdcdj", "不动产登记", 180, "不动产登记公告、办理须知", []),
    ("kczy", "矿产资源", 180, "采矿权、探矿权出让和登记信息", []),
    ("zfjc", "执法监察", 180, "土地矿产违法案件查处情况", []),
    ("xzxk", "行政许可", 90, "行政许可事项和结果", []),
    ("xzcf", "行政处罚", 90, "行政处罚决定", []),
    ("czxx", "财政信息", 365, "部门预决算、收费项目", [
        ("yjs", "预决算", 365, "部门预算、决算及说明"),
        ("sfxm", "收费", 365, "行政事业性收费项目、依据和标准"),
    ]),
    ("rsxx", "人事信息", 365, "公务员招录、人事任免", []),
    ("zwdt", "政务动态", 14, "工作动态、要闻", []),
    ("tzgg", "通知公告", 180, "通知、公告", []),
    ("xchd", "宣传活动", 180, "全国土地日、国家宪法日等宣传活动", []),
    ("gkzn", "公开指南", None, "政府信息公开指南", []),
    ("gknb", "公开年报", 365, "政府信息公开工作年度报告", []),
]


def seed(apps, schema_editor):
    Category = apps.get_model("disclosure", "Category")
    for order, (slug, name, days, description, children) in enumerate(COLUMNS, start=1):
        parent, _ = Category.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "update_days": days, "description": description,
                      "order": order * 10},
        )
        for child_order, (child_slug, child_name, child_days, child_description) in enumerate(
            children, start=1
        ):
            Category.objects.get_or_create(
                slug=child_slug,
                defaults={"name": child_name, "update_days": child_days, "parent": parent,
                          "description": child_description, "order": child_order * 10},
            )


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0001_catalog")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

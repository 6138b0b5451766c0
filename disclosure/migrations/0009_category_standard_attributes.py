"""The 自然资源 基层政务公开标准目录 attributes on each column (and the ColumnType and keywords of
《政府网站网页设计规范》), seeded; and the columns a land bureau is assessed on that were missing
(土地供应计划, 划拨和协议出让结果, 闲置土地, 基准地价与标定地价, 征收土地预公告, 一书四方案,
矿业权出让公示, 矿业权转让公示, 地质灾害防治).

Only empty attributes are filled: a column the office has already described keeps its text.
"""

from django.db import migrations, models

REGULATION = "《中华人民共和国政府信息公开条例》"
TWENTY_DAYS = "信息形成或变更之日起20个工作日内"
DEFAULTS = {
    "disclosure_time_limit": TWENTY_DAYS,
    "disclosure_body": "市国土资源局",
    "disclosure_channels": "政府网站 公开查阅点",
    "disclosure_audience": "全社会",
    "disclosure_method": "主动公开",
    "disclosure_level": "市级",
}
SITE_NOTICE_BOARDS = "政府网站 被征收土地所在乡（镇）和村、村民小组公告栏"
LAND_MARKET = "政府网站 中国土地市场网 公共资源交易平台"

# New columns: (slug, parent slug or None, name, update_days, description, order).
NEW_COLUMNS = [
    ("zdygg", "tdzs", "征收土地预公告", 90, "拟征收土地的范围、目的、开展土地现状调查的安排", 5),
    ("ysfa", "tdzs", "一书四方案", 180, "建设用地项目呈报说明书，农用地转用、补充耕地、征收土地和供地方案", 30),
    ("gyjh", "tdgy", "土地供应计划", 365, "年度国有建设用地供应计划", 5),
    ("hbxy", "tdgy", "划拨和协议出让结果", 90, "国有建设用地使用权划拨、协议出让结果", 30),
    ("xztd", "tdgy", "闲置土地", 180, "闲置土地的认定和处置情况", 40),
    ("djbd", "tdgy", "基准地价与标定地价", 365, "城镇基准地价、标定地价和征地区片综合地价", 50),
    ("kqcr", "kczy", "矿业权出让公示", 180, "探矿权、采矿权出让公告和出让结果公示", 10),
    ("kqzr", "kczy", "矿业权转让公示", 180, "探矿权、采矿权转让审批前公示和结果", 20),
    ("dzzh", None, "地质灾害防治", 365, "年度地质灾害防治方案、隐患点和汛期防治工作", 95),
]

# slug -> (column type, keywords, attributes differing from DEFAULTS, with 公开依据 always given).
STANDARD = {
    "jgzn": ("overview", "机构设置 职能 联系方式", {
        "disclosure_basis": f"{REGULATION}第二十条第（一）项",
    }),
    "zcwj": ("catalog", "规章 规范性文件 政策", {
        "disclosure_basis": f"{REGULATION}第二十条第（一）项",
    }),
    "gz": ("catalog", "规章", {
        "disclosure_basis": f"{REGULATION}第二十条第（一）项；《规章制定程序条例》第三十二条",
        "disclosure_time_limit": "规章公布后及时在政府网站刊载，不超过20个工作日",
        "disclosure_channels": "政府网站 政府公报 公开查阅点",
    }),
    "gfxwj": ("catalog", "规范性文件", {
        "disclosure_basis": (
            f"{REGULATION}第二十条第（一）项；《国务院办公厅关于加强行政规范性文件制定和"
            "监督管理工作的通知》（国办发〔2018〕37号）"
        ),
        "disclosure_channels": "政府网站 政府公报 公开查阅点",
    }),
    "qtwj": ("catalog", "通知 文件", {
        "disclosure_basis": f"{REGULATION}第二十条第（一）项",
    }),
    "zcjd": ("catalog", "政策解读 图解", {
        "disclosure_basis": (
            "《中共中央办公厅 国务院办公厅关于全面推进政务公开工作的意见》；"
            f"{REGULATION}第六条"
        ),
        "disclosure_time_limit": "政策文件公开后3个工作日内",
        "disclosure_channels": "政府网站 政务新媒体",
    }),
    "zdjc": ("catalog", "重大行政决策 公众参与", {
        "disclosure_basis": f"《重大行政决策程序暂行条例》第十五条、第三十条；{REGULATION}第二十条",
        "disclosure_time_limit": "决策作出之日起20个工作日内；决策草案征求意见期不少于30日",
    }),
    "ghjh": ("catalog", "国土空间规划 土地利用计划 矿产资源规划", {
        "disclosure_basis": (
            "《中华人民共和国土地管理法》第十八条、第二十三条；"
            f"《中华人民共和国城乡规划法》第八条；{REGULATION}第二十条第（三）项"
        ),
        "disclosure_time_limit": "规划批准之日起20个工作日内",
    }),
    "tdzs": ("catalog", "土地征收 征地", {
        "disclosure_basis": "《中华人民共和国土地管理法》第四十七条、第四十八条",
        "disclosure_body": "市人民政府（市国土资源局承办）",
        "disclosure_channels": SITE_NOTICE_BOARDS,
        "disclosure_level": "市、县级",
    }),
    "zdygg": ("catalog", "征收土地预公告 土地现状调查", {
        "disclosure_basis": (
            "《中华人民共和国土地管理法》第四十七条；《中华人民共和国土地管理法实施条例》第二十六条"
        ),
        "disclosure_time_limit": "开展拟征收土地现状调查前发布，公告时间不少于10个工作日",
        "disclosure_body": "市人民政府（市国土资源局承办）",
        "disclosure_channels": SITE_NOTICE_BOARDS,
        "disclosure_level": "市、县级",
    }),
    "zdgg": ("catalog", "征收土地公告", {
        "disclosure_basis": (
            "《中华人民共和国土地管理法》第四十七条；《中华人民共和国土地管理法实施条例》第三十一条"
        ),
        "disclosure_time_limit": "征收土地申请经依法批准之日起15个工作日内",
        "disclosure_body": "市人民政府（市国土资源局承办）",
        "disclosure_channels": SITE_NOTICE_BOARDS,
        "disclosure_level": "市、县级",
    }),
    "bcaz": ("catalog", "征地补偿 安置 区片综合地价", {
        "disclosure_basis": (
            "《中华人民共和国土地管理法》第四十七条、第四十八条；"
            "《中华人民共和国土地管理法实施条例》第二十七条"
        ),
        "disclosure_time_limit": "征地补偿安置方案拟定后公告，公告时间不少于30日",
        "disclosure_body": "市人民政府（市国土资源局承办）",
        "disclosure_channels": SITE_NOTICE_BOARDS,
        "disclosure_audience": "全社会（重点为被征地农村集体经济组织、农户和其他权利人）",
        "disclosure_level": "市、县级",
    }),
    "ysfa": ("catalog", "建设用地呈报说明书 农用地转用 补充耕地 征收土地方案 供地方案", {
        "disclosure_basis": (
            "《中华人民共和国土地管理法》第四十四条、第四十六条；"
            "《建设用地审查报批管理办法》（国土资源部令第69号）"
        ),
        "disclosure_time_limit": "用地批准之日起20个工作日内",
        "disclosure_level": "市、县级",
    }),
    "tdgy": ("catalog", "土地供应 出让 划拨", {
        "disclosure_basis": "《中华人民共和国土地管理法》第五十四条；《中华人民共和国城市房地产管理法》",
        "disclosure_channels": LAND_MARKET,
    }),
    "gyjh": ("catalog", "国有建设用地供应计划", {
        "disclosure_basis": "《国有建设用地供应计划编制规范（试行）》；《招标拍卖挂牌出让国有建设用地使用权规定》第五条",
        "disclosure_time_limit": "计划经批准后15个工作日内",
        "disclosure_channels": LAND_MARKET,
    }),
    "crgg": ("catalog", "出让公告 招标 拍卖 挂牌", {
        "disclosure_basis": "《招标拍卖挂牌出让国有建设用地使用权规定》（国土资源部令第39号）第十条",
        "disclosure_time_limit": "招标、拍卖或者挂牌开始日前20日发布",
        "disclosure_channels": LAND_MARKET,
    }),
    "jggs": ("catalog", "出让结果 成交公示", {
        "disclosure_basis": "《招标拍卖挂牌出让国有建设用地使用权规定》（国土资源部令第39号）第二十一条",
        "disclosure_time_limit": "招标拍卖挂牌活动结束后10个工作日内",
        "disclosure_channels": LAND_MARKET,
    }),
    "hbxy": ("catalog", "划拨结果 协议出让结果", {
        "disclosure_basis": (
            "《协议出让国有土地使用权规定》（国土资源部令第21号）第十五条；"
            "《划拨用地目录》（国土资源部令第9号）"
        ),
        "disclosure_time_limit": "签订出让合同或核发划拨决定书后10个工作日内",
        "disclosure_channels": LAND_MARKET,
    }),
    "xztd": ("catalog", "闲置土地 认定 处置", {
        "disclosure_basis": "《闲置土地处置办法》（国土资源部令第53号）第二十一条",
        "disclosure_time_limit": "闲置土地认定书、处置决定书作出之日起20个工作日内",
    }),
    "djbd": ("catalog", "基准地价 标定地价 区片综合地价", {
        "disclosure_basis": "《中华人民共和国城市房地产管理法》第三十三条；《中华人民共和国土地管理法》第四十八条",
        "disclosure_time_limit": "地价成果经批准之日起20个工作日内；基准地价每三年更新一次",
    }),
    "bdcdj": ("catalog", "不动产登记 首次登记 公告", {
        "disclosure_basis": "《不动产登记暂行条例实施细则》第十七条",
        "disclosure_time_limit": "登记事项公告期不少于15个工作日",
        "disclosure_body": "市不动产登记中心",
        "disclosure_channels": "政府网站 不动产登记大厅",
    }),
    "kczy": ("catalog", "矿业权 采矿权 探矿权", {
        "disclosure_basis": "《中华人民共和国矿产资源法》；《矿业权出让制度改革方案》",
        "disclosure_channels": "政府网站 公共资源交易平台",
    }),
    "kqcr": ("catalog", "采矿权出让 探矿权出让 出让公示", {
        "disclosure_basis": (
            "《自然资源部关于推进矿产资源管理改革若干事项的意见（试行）》（自然资规〔2019〕7号）；"
            "《矿业权交易规则》"
        ),
        "disclosure_time_limit": "出让公告发布时间不少于20个工作日；结果公示不少于10个工作日",
        "disclosure_channels": "政府网站 公共资源交易平台",
    }),
    "kqzr": ("catalog", "矿业权转让 转让公示", {
        "disclosure_basis": "《探矿权采矿权转让管理办法》；《矿业权交易规则》第四十一条",
        "disclosure_time_limit": "转让审批前公示，公示期不少于10个工作日",
        "disclosure_channels": "政府网站 公共资源交易平台",
    }),
    "dzzh": ("catalog", "地质灾害 防治方案 隐患点 汛期", {
        "disclosure_basis": "《地质灾害防治条例》第十一条、第十五条",
        "disclosure_time_limit": "年度地质灾害防治方案批准后20个工作日内；灾情险情及时发布",
        "disclosure_channels": "政府网站 政务新媒体 隐患点警示牌",
        "disclosure_level": "市、县级",
    }),
    "zfjc": ("catalog", "执法 违法案件 卫片执法", {
        "disclosure_basis": "《自然资源执法监督规定》；《国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见》",
    }),
    "xzxk": ("catalog", "行政许可 规划许可 用地审批", {
        "disclosure_basis": f"《中华人民共和国行政许可法》第三十条、第四十条；{REGULATION}第二十条第（六）项",
        "disclosure_time_limit": "作出行政许可决定之日起7个工作日内",
        "disclosure_channels": "政府网站 信用中国网站 政务服务大厅",
    }),
    "xzcf": ("catalog", "行政处罚 处罚决定", {
        "disclosure_basis": f"《中华人民共和国行政处罚法》第四十八条；{REGULATION}第二十条第（六）项",
        "disclosure_time_limit": "作出行政处罚决定之日起7个工作日内",
        "disclosure_channels": "政府网站 信用中国网站",
    }),
    "czxx": ("catalog", "预算 决算 收费", {
        "disclosure_basis": f"《中华人民共和国预算法》第十四条；{REGULATION}第二十条第（四）项",
    }),
    "yjs": ("catalog", "部门预算 部门决算 三公经费", {
        "disclosure_basis": f"《中华人民共和国预算法》第十四条；{REGULATION}第二十条第（四）项",
        "disclosure_time_limit": "财政部门批复后20日内",
    }),
    "sfxm": ("catalog", "行政事业性收费 收费标准", {
        "disclosure_basis": f"{REGULATION}第二十条第（十二）项",
    }),
    "rsxx": ("catalog", "招录 招聘 任前公示", {
        "disclosure_basis": f"《公务员录用规定》第十六条；{REGULATION}第二十条第（十四）项",
        "disclosure_time_limit": "招考公告在报名开始前发布；任前公示期不少于5个工作日",
    }),
    "zwdt": ("news", "工作动态 要闻", {
        "disclosure_basis": f"{REGULATION}第十九条",
        "disclosure_time_limit": "活动结束后及时发布，一般不超过3个工作日",
        "disclosure_channels": "政府网站 政务新媒体",
    }),
    "tzgg": ("news", "通知 公告", {
        "disclosure_basis": f"{REGULATION}第十九条、第二十条",
        "disclosure_channels": "政府网站 政务新媒体",
    }),
    "xchd": ("special", "全国土地日 国家宪法日 普法宣传", {
        "disclosure_basis": f"{REGULATION}第十九条；《中华人民共和国土地管理法》第六条",
        "disclosure_time_limit": "活动结束后及时发布",
        "disclosure_channels": "政府网站 政务新媒体",
    }),
    "gkzn": ("catalog", "政府信息公开指南", {
        "disclosure_basis": f"{REGULATION}第十二条",
        "disclosure_time_limit": "指南内容变更之日起及时更新",
    }),
    "gknb": ("catalog", "政府信息公开工作年度报告", {
        "disclosure_basis": f"{REGULATION}第四十九条、第五十条",
        "disclosure_time_limit": "每年1月31日前",
    }),
}


def seed_columns(apps, schema_editor):
    """Create the missing assessed columns (idempotent: existing slugs are left as they are)."""
    Category = apps.get_model("disclosure", "Category")
    for slug, parent_slug, name, days, description, order in NEW_COLUMNS:
        parent = Category.objects.filter(slug=parent_slug).first() if parent_slug else None
        if parent_slug and parent is None:
            continue  # the office removed the parent column: do not invent it again
        Category.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "parent": parent,
                "update_days": days,
                "description": description,
                "order": order,
            },
        )
    # The results column now holds the 招拍挂 results; 划拨 and 协议 have their own column.
    Category.objects.filter(slug="jggs", description="出让结果公示、划拨结果公示").update(
        description="招标拍卖挂牌出让结果公示"
    )
    Category.objects.filter(slug="zdgg", description="征收土地预公告、征收土地公告").update(
        description="征收土地公告"
    )


def seed_attributes(apps, schema_editor):
    """Fill the 标准目录 attributes that are still empty (sub-columns included)."""
    Category = apps.get_model("disclosure", "Category")
    campaigns = set(Category.objects.filter(parent__slug="xchd").values_list("slug", flat=True))
    for column in Category.objects.all():
        standard = STANDARD.get(column.slug)
        if standard is None and column.slug in campaigns:
            standard = STANDARD["xchd"]
        if standard is None:
            continue
        column_type, keywords, attributes = standard
        changed = []
        if column.column_type == "catalog" and column_type != "catalog":
            column.column_type = column_type
            changed.append("column_type")
        for name, value in [("keywords", keywords), *{**DEFAULTS, **attributes}.items()]:
            if not getattr(column, name):
                setattr(column, name, value)
                changed.append(name)
        if changed:
            column.save(update_fields=changed)


def seed(apps, schema_editor):
    seed_columns(apps, schema_editor)
    seed_attributes(apps, schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ('disclosure', '0008_third_party_names'),
    ]

    operations = [
        migrations.AddField(
            model_name='category',
            name='column_type',
            field=models.CharField(choices=[('overview', '概况类'), ('news', '政务动态'), ('catalog', '信息公开目录'), ('special', '专栏专题')], default='catalog', help_text='网页 ColumnType 标签和网站工作年度报表的分类', max_length=10, verbose_name='栏目类型'),
        ),
        migrations.AddField(
            model_name='category',
            name='disclosure_audience',
            field=models.CharField(blank=True, help_text='全社会，或特定对象（如被征地农村集体经济组织）', max_length=40, verbose_name='公开对象'),
        ),
        migrations.AddField(
            model_name='category',
            name='disclosure_basis',
            field=models.TextField(blank=True, help_text='法律法规和文件依据，如：《中华人民共和国土地管理法》第四十八条', verbose_name='公开依据'),
        ),
        migrations.AddField(
            model_name='category',
            name='disclosure_body',
            field=models.CharField(blank=True, help_text='如：市国土资源局', max_length=100, verbose_name='公开主体'),
        ),
        migrations.AddField(
            model_name='category',
            name='disclosure_channels',
            field=models.CharField(blank=True, help_text='如：政府网站 政务新媒体 公开查阅点 公告栏', max_length=200, verbose_name='公开渠道和载体'),
        ),
        migrations.AddField(
            model_name='category',
            name='disclosure_level',
            field=models.CharField(blank=True, help_text='如：市级、县级', max_length=40, verbose_name='公开层级'),
        ),
        migrations.AddField(
            model_name='category',
            name='disclosure_method',
            field=models.CharField(blank=True, help_text='主动公开或依申请公开', max_length=40, verbose_name='公开方式'),
        ),
        migrations.AddField(
            model_name='category',
            name='disclosure_time_limit',
            field=models.CharField(blank=True, help_text='如：信息形成或变更之日起20个工作日内', max_length=100, verbose_name='公开时限'),
        ),
        migrations.AddField(
            model_name='category',
            name='keywords',
            field=models.CharField(blank=True, help_text='多个词用空格分隔，用于网页标签', max_length=100, verbose_name='栏目关键词'),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]

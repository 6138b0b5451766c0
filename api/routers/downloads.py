"""开放数据: the list of bulk downloads (the files themselves are served by api.views)."""

from django.urls import reverse
from ninja import Router

from api import opendata
from api.errors import ERRORS
from api.schemas import DatasetOut

router = Router(tags=["开放数据"])


@router.get(
    "/datasets",
    response={200: list[DatasetOut], **ERRORS},
    summary="批量下载文件",
    description="各栏目政府信息、办事指南、办件公示的 CSV（UTF-8，带BOM）和 JSON Lines 文件，"
    "每日重新生成；字段说明见数据字典页面 /kfsj/。",
)
def dataset_list(request):
    return [
        {
            "name": dataset.name,
            "title": dataset.title,
            "format": format,
            "url": reverse("api:dataset", args=[dataset.name, format]),
            "size": path.stat().st_size if path.exists() else None,
            "generated_at": dataset.generated_at(format),
        }
        for dataset in opendata.datasets().values()
        for format in opendata.FORMATS
        for path in [dataset.path(format)]
    ]

"""政府信息公开工作年度报告: the published reports with their tables as data."""

from django.shortcuts import get_object_or_404
from ninja import Path, Router

from api.errors import ERRORS
from api.schemas import AnnualReportDetailOut, AnnualReportOut
from disclosure.models import AnnualReport

router = Router(tags=["政府信息公开年度报告"])


@router.get(
    "/annual-reports",
    response={200: list[AnnualReportOut], **ERRORS},
    summary="年度报告列表",
    description="已发布的政府信息公开工作年度报告，年度新的在前。",
)
def annual_report_list(request):
    return AnnualReport.objects.published().for_list()


@router.get(
    "/annual-reports/{year}",
    response={200: AnnualReportDetailOut, **ERRORS},
    summary="年度报告",
    description="按国办公开办函〔2021〕30号的格式：一、五、六为文字，二、三、四为表格数据"
    "（由主动公开目录和依申请公开办理记录统计）。",
)
def annual_report_detail(request, year: int = Path(..., ge=2008, le=2100)):
    return get_object_or_404(AnnualReport.objects.published().for_list(), year=year)

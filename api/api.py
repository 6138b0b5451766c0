"""The open-data API (/api/v1/): read-only, public rows only, with an OpenAPI 3 schema.

django-ninja builds the schema and the docs page from the operations and api.schemas. The edge
of the API (rate limit, cache, ETag and 304, JSON 404/500) is api.middleware; CORS for GET is
django-cors-headers (settings.CORS_*).
"""

from ninja import NinjaAPI
from ninja.openapi.docs import Swagger
from ninja.renderers import JSONRenderer

from .errors import install_handlers
from .routers import calendar, catalog, downloads, participation, reports, search, services

DESCRIPTION = """
本接口以 JSON 提供本局网站上**已经公开**的全部数据，供新闻媒体、研究人员和其他政务系统使用，
无需注册，只读（只支持 GET）。

- **翻页**：列表接口按游标翻页。返回的 `next_cursor` 不为空时，把它作为 `cursor` 参数再请求一次
  即得下一页；不提供总条数。每页条数用 `limit`（1–100，默认20）。
- **缓存**：每个应答带 `ETag`（详情还带 `Last-Modified`），用 `If-None-Match` /
  `If-Modified-Since` 再次请求，内容未变时返回 304。
- **频率限制**：每个 IP 地址每分钟 120 次；超过时返回 429，并在 `Retry-After` 中说明需等待的秒数。
- **跨域**：允许任何网站的浏览器以 GET 读取（CORS）。
- **错误**：一律返回 JSON，`detail` 为中文的错误说明。
- **个人信息**：申请人、留言人只显示姓氏（如 张**），不提供电话、证件号码和地址；
  依申请公开的申请、未公开的留言和意见、草稿和已撤回的信息都不在接口中。
- **批量下载**：各栏目政府信息、办事指南和办件公示每日生成 CSV 和 JSON Lines 文件，
  见 `/api/v1/datasets` 和 [开放数据页面](/kfsj/)（含数据字典）。

`url` 字段是本站页面的路径，请加上网站地址使用。
"""


class ChineseSwagger(Swagger):
    """Swagger UI from our own static files, in a page with a Chinese heading."""

    template = "api/docs.html"


class UnicodeJSONRenderer(JSONRenderer):
    """JSON with Chinese as it is written, not as \\u escapes (half the bytes, readable)."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=UnicodeJSONRenderer(),
    title="政务公开开放数据接口",
    version="1.0",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs=ChineseSwagger(settings={"docExpansion": "list", "defaultModelsExpandDepth": 0}),
    docs_url="/docs",
    openapi_url="/openapi.json",
    openapi_extra={
        "tags": [
            {
                "name": "政务公开目录",
                "description": "栏目、信息条目（索引号、文号、有效性等目录头信息）",
            },
            {"name": "办事服务", "description": "办事指南的全部要素和办件公示"},
            {"name": "政民互动", "description": "公开的留言和统计、征求意见、网上评议结果"},
            {"name": "政府信息公开年度报告", "description": "已发布的年度报告及其表格数据"},
            {"name": "站内搜索", "description": "与网站搜索页相同的检索"},
            {"name": "工作日", "description": "按本局工作日历计算工作日，供其他系统计算法定期限"},
            {"name": "开放数据", "description": "批量下载文件"},
        ]
    },
)
install_handlers(api)

for module in (catalog, services, participation, reports, search, calendar, downloads):
    api.add_router("", module.router)

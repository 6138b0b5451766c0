from django.urls import path

from portal.pagecache import cache_public_page

from . import feeds
from .views import catalog, requests

app_name = "disclosure"

urlpatterns = [
    path("", catalog.index, name="index"),
    path("gkml/", catalog.catalog, name="catalog"),
    path("bzml/", catalog.standard_catalog, name="standard-catalog"),
    path("gkzn/", catalog.guide, name="guide"),
    path("rss/", cache_public_page(feeds.LatestItemsFeed()), name="feed"),
    path("lm/<slug:slug>/", catalog.category, name="category"),
    path("lm/<slug:slug>/rss/", cache_public_page(feeds.LatestItemsFeed()), name="category-feed"),
    path("xxgk/<int:pk>/", catalog.item_detail, name="item-detail"),
    path("xxgk/<int:pk>/print/", catalog.item_detail, {"printable": True}, name="item-print"),
    path("fj/<int:pk>/", catalog.attachment, name="attachment"),
    # 依申请公开
    path("ysqgk/", requests.request_form, name="request-form"),
    path("ysqgk/huizhi/<str:tracking_number>/", requests.request_receipt, name="request-receipt"),
    path("ysqgk/chaxun/", requests.request_lookup, name="request-lookup"),
    path("ysqgk/chaxun/<str:tracking_number>/", requests.request_status, name="request-status"),
    path(
        "ysqgk/chaxun/<str:tracking_number>/chehui/",
        requests.request_withdraw,
        name="request-withdraw",
    ),
    path(
        "ysqgk/chaxun/<str:tracking_number>/wenshu/<int:pk>/",
        requests.request_letter,
        name="request-letter",
    ),
    path(
        "ysqgk/chaxun/<str:tracking_number>/fujian/<int:pk>/",
        requests.request_attachment,
        name="request-attachment",
    ),
    path("ysqgk/ndbg/", requests.annual_report_list, name="annual-report-list"),
    path("ysqgk/ndbg/<int:year>/", requests.annual_report_detail, name="annual-report"),
    path(
        "ysqgk/ndbg/<int:year>/print/",
        requests.annual_report_detail,
        {"printable": True},
        name="annual-report-print",
    ),
]

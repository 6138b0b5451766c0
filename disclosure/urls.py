from django.urls import path

from . import feeds, request_views, views

app_name = "disclosure"

urlpatterns = [
    path("", views.index, name="index"),
    path("gkml/", views.catalog, name="catalog"),
    path("gkzn/", views.guide, name="guide"),
    path("rss/", feeds.LatestItemsFeed(), name="feed"),
    path("lm/<slug:slug>/", views.category, name="category"),
    path("lm/<slug:slug>/rss/", feeds.LatestItemsFeed(), name="category-feed"),
    path("xxgk/<int:pk>/", views.item_detail, name="item-detail"),
    path("xxgk/<int:pk>/print/", views.item_detail, {"printable": True}, name="item-print"),
    path("fj/<int:pk>/", views.attachment, name="attachment"),
    # 依申请公开
    path("ysqgk/", request_views.request_form, name="request-form"),
    path(
        "ysqgk/huizhi/<str:tracking_number>/", request_views.request_receipt, name="request-receipt"
    ),
    path("ysqgk/chaxun/", request_views.request_lookup, name="request-lookup"),
    path(
        "ysqgk/chaxun/<str:tracking_number>/", request_views.request_status, name="request-status"
    ),
    path(
        "ysqgk/chaxun/<str:tracking_number>/chehui/",
        request_views.request_withdraw,
        name="request-withdraw",
    ),
    path(
        "ysqgk/chaxun/<str:tracking_number>/wenshu/<int:pk>/",
        request_views.request_letter,
        name="request-letter",
    ),
    path(
        "ysqgk/chaxun/<str:tracking_number>/fujian/<int:pk>/",
        request_views.request_attachment,
        name="request-attachment",
    ),
    path("ysqgk/ndbg/", request_views.annual_report_list, name="annual-report-list"),
    path("ysqgk/ndbg/<int:year>/", request_views.annual_report_detail, name="annual-report"),
    path(
        "ysqgk/ndbg/<int:year>/print/",
        request_views.annual_report_detail,
        {"printable": True},
        name="annual-report-print",
    ),
]

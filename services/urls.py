from django.urls import path

from . import feeds, views

app_name = "services"

urlpatterns = [
    path("", views.index, name="index"),
    path("zt/<slug:slug>/", views.theme, name="theme"),
    path("zn/<int:pk>/", views.guide_detail, name="guide-detail"),
    path("zn/<int:pk>/print/", views.guide_detail, {"printable": True}, name="guide-print"),
    path("zn/<int:pk>/forms.zip", views.guide_forms_zip, name="guide-forms-zip"),
    path("bg/<int:pk>/", views.form_download, name="form-download"),
    path("yb/<int:pk>/", views.result_sample_download, name="result-sample-download"),
    path("booklet.pdf", views.booklet_download, name="booklet"),
    path("bjgs/", views.result_list, name="result-list"),
    path("bjgs/cx/", views.result_lookup, name="result-lookup"),
    path("bjgs/export.csv", views.result_export, name="result-export"),
    path("bjgs/rss/", feeds.LatestResultsFeed(), name="result-feed"),
    path("kiosk/", views.kiosk_home, name="kiosk"),
    path("kiosk/zt/<slug:slug>/", views.kiosk_theme, name="kiosk-theme"),
    path("kiosk/zn/<int:pk>/", views.kiosk_guide, name="kiosk-guide"),
    path("kiosk/windows/", views.kiosk_windows, name="kiosk-windows"),
    path("kiosk/results/", views.kiosk_results, name="kiosk-results"),
    path("kiosk/news/", views.kiosk_news, name="kiosk-news"),
    path("screen/", views.screen, name="screen"),
    path("screen/data.json", views.screen_data, name="screen-data"),
]

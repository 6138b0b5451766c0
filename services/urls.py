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
    path("pj/", views.result_rate, name="result-rate"),
    path("pj/cx/", views.rating_lookup, name="rating-lookup"),
    path("zn/<int:pk>/pj/", views.guide_rate, name="guide-rate"),
    path("kiosk/pj/", views.kiosk_rate, name="kiosk-rate"),
    path("hcp/", views.rating_figures, name="rating-figures"),
    path("hcp/export.csv", views.rating_figures_export, {"fmt": "csv"}, name="rating-export-csv"),
    path(
        "hcp/export.xlsx", views.rating_figures_export, {"fmt": "xlsx"}, name="rating-export-xlsx"
    ),
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

from django.urls import path

from . import views

app_name = "oversight"

urlpatterns = [
    path("", views.index, name="index"),
    path("wzbb/", views.website_report_list, name="website-report-list"),
    path("wzbb/<int:year>/", views.website_report_detail, name="website-report"),
    path(
        "wzbb/<int:year>/print/",
        views.website_report_detail,
        {"printable": True},
        name="website-report-print",
    ),
]

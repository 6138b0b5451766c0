from django.urls import path

from . import feeds, views

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
]

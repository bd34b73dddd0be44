"""Affiliate pages for published findings (under /a/<affiliate_slug>/)."""

from django.urls import path

from . import views

app_name = "findings"

urlpatterns = [
    path("findings/", views.AffiliateFindingListView.as_view(), name="list"),
]

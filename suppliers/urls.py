"""Affiliate pages for disclosures and the supply chain (under /a/<affiliate_slug>/)."""

from django.urls import path

from . import views

app_name = "suppliers"

urlpatterns = [
    path("disclosures/", views.DisclosureListView.as_view(), name="disclosure_list"),
    path("disclosures/<int:pk>/", views.DisclosureDetailView.as_view(), name="disclosure_detail"),
    path(
        "disclosures/<int:pk>/upload/",
        views.DisclosureUploadView.as_view(),
        name="disclosure_upload",
    ),
    path(
        "disclosures/<int:pk>/errors.csv",
        views.DisclosureErrorsView.as_view(),
        name="disclosure_errors",
    ),
    path(
        "disclosures/<int:pk>/lines/",
        views.DisclosureLineAddView.as_view(),
        name="disclosure_line_add",
    ),
    path(
        "disclosure-lines/<int:pk>/delete/",
        views.DisclosureLineDeleteView.as_view(),
        name="disclosure_line_delete",
    ),
    path(
        "disclosures/<int:pk>/submit/",
        views.DisclosureSubmitView.as_view(),
        name="disclosure_submit",
    ),
    path(
        "disclosures/<int:pk>/accept/",
        views.DisclosureAcceptView.as_view(),
        name="disclosure_accept",
    ),
    path(
        "disclosures/<int:pk>/return/",
        views.DisclosureReturnView.as_view(),
        name="disclosure_return",
    ),
    path(
        "disclosures/<int:pk>/request/",
        views.DisclosureRequestView.as_view(),
        name="disclosure_request",
    ),
    path("factories/", views.SupplyChainView.as_view(), name="supply_chain"),
    path("factories/<int:pk>/", views.SupplyChainFactoryView.as_view(), name="factory_detail"),
]

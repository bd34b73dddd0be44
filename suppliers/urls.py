"""Supply-chain pages: contracts, disclosures and the supply chain of an affiliate (under
/a/<affiliate_slug>/), the contractor's link, and EW staff's registry pages (under /staff/)."""

from django.urls import path

from .views import contracts, disclosures, staff, supply_chain

app_name = "suppliers"

urlpatterns = [
    # Affiliates
    path(
        "a/<slug:affiliate_slug>/contracts/",
        contracts.ContractListView.as_view(),
        name="contract_list",
    ),
    path(
        "a/<slug:affiliate_slug>/contracts/new/",
        contracts.ContractCreateView.as_view(),
        name="contract_create",
    ),
    path(
        "a/<slug:affiliate_slug>/contracts/import/",
        contracts.ContractImportView.as_view(),
        name="contract_import",
    ),
    path(
        "a/<slug:affiliate_slug>/contracts/export.csv",
        contracts.ContractExportView.as_view(file_format="csv"),
        name="contract_export_csv",
    ),
    path(
        "a/<slug:affiliate_slug>/contracts/export.xlsx",
        contracts.ContractExportView.as_view(file_format="xlsx"),
        name="contract_export_xlsx",
    ),
    path(
        "a/<slug:affiliate_slug>/contracts/<int:pk>/",
        contracts.ContractDetailView.as_view(),
        name="contract_detail",
    ),
    path(
        "a/<slug:affiliate_slug>/contracts/<int:pk>/edit/",
        contracts.ContractUpdateView.as_view(),
        name="contract_update",
    ),
    path(
        "a/<slug:affiliate_slug>/contracts/<int:contract_id>/checklist/<int:pk>/",
        contracts.ChecklistItemUpdateView.as_view(),
        name="checklist_item_update",
    ),
    path(
        "a/<slug:affiliate_slug>/disclosures/",
        disclosures.DisclosureListView.as_view(),
        name="disclosure_list",
    ),
    path(
        "a/<slug:affiliate_slug>/disclosures/<int:pk>/",
        disclosures.DisclosureDetailView.as_view(),
        name="disclosure_detail",
    ),
    path(
        "a/<slug:affiliate_slug>/disclosures/<int:pk>/upload/",
        disclosures.DisclosureUploadView.as_view(),
        name="disclosure_upload",
    ),
    path(
        "a/<slug:affiliate_slug>/disclosures/<int:pk>/errors.csv",
        disclosures.DisclosureErrorsView.as_view(),
        name="disclosure_errors",
    ),
    path(
        "a/<slug:affiliate_slug>/disclosures/<int:pk>/lines/",
        disclosures.DisclosureLineAddView.as_view(),
        name="disclosure_line_add",
    ),
    path(
        "a/<slug:affiliate_slug>/disclosure-lines/<int:pk>/delete/",
        disclosures.DisclosureLineDeleteView.as_view(),
        name="disclosure_line_delete",
    ),
    path(
        "a/<slug:affiliate_slug>/disclosures/<int:pk>/submit/",
        disclosures.DisclosureSubmitView.as_view(),
        name="disclosure_submit",
    ),
    path(
        "a/<slug:affiliate_slug>/disclosures/<int:pk>/accept/",
        disclosures.DisclosureAcceptView.as_view(),
        name="disclosure_accept",
    ),
    path(
        "a/<slug:affiliate_slug>/disclosures/<int:pk>/return/",
        disclosures.DisclosureReturnView.as_view(),
        name="disclosure_return",
    ),
    path(
        "a/<slug:affiliate_slug>/disclosures/<int:pk>/request/",
        disclosures.DisclosureRequestView.as_view(),
        name="disclosure_request",
    ),
    path(
        "a/<slug:affiliate_slug>/factories/",
        supply_chain.SupplyChainView.as_view(),
        name="supply_chain",
    ),
    # Contractors, through the e-mailed link
    path(
        "disclose/<str:token>/",
        disclosures.ContractorDisclosureView.as_view(),
        name="contractor_disclosure",
    ),
    path(
        "disclosure-template.<str:fmt>",
        disclosures.disclosure_template,
        name="disclosure_template",
    ),
    # Electronics Watch staff
    path("staff/factories/", staff.StaffFactoryRankingView.as_view(), name="staff_factories"),
    path("staff/factories/<int:pk>/", staff.StaffFactoryDetailView.as_view(), name="staff_factory"),
    path(
        "staff/factory-matches/",
        staff.MatchReviewListView.as_view(),
        name="staff_factory_matches",
    ),
    path(
        "staff/factory-matches/<int:pk>/",
        staff.MatchReviewDecideView.as_view(),
        name="staff_factory_match_decide",
    ),
    path("staff/suppliers/", staff.StaffSupplierListView.as_view(), name="staff_suppliers"),
]

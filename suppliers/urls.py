"""Supply-chain pages: contracts, disclosures and the supply chain of an affiliate (under
/a/<affiliate_slug>/), the contractor's link, and EW staff's registry pages (under /staff/)."""

from django.urls import include, path

from .views import contracts, disclosures, match_reviews, open_supply_hub, staff, supply_chain
from .views.reference import reference_urls

app_name = "suppliers"

# Pages of the affiliate named in the URL (scoped by affiliates.tenancy.TenantMiddleware).
affiliate_patterns = [
    path(
        "contracts/",
        contracts.ContractListView.as_view(),
        name="contract_list",
    ),
    path(
        "contracts/new/",
        contracts.ContractCreateView.as_view(),
        name="contract_create",
    ),
    path(
        "contracts/import/",
        contracts.ContractImportView.as_view(),
        name="contract_import",
    ),
    path(
        "contracts/export.csv",
        contracts.ContractExportView.as_view(file_format="csv"),
        name="contract_export_csv",
    ),
    path(
        "contracts/export.xlsx",
        contracts.ContractExportView.as_view(file_format="xlsx"),
        name="contract_export_xlsx",
    ),
    path(
        "contracts/export.ocds.json",
        contracts.ContractOcdsExportView.as_view(),
        name="contract_export_ocds",
    ),
    path(
        "contracts/<int:pk>/",
        contracts.ContractDetailView.as_view(),
        name="contract_detail",
    ),
    path(
        "contracts/<int:pk>/edit/",
        contracts.ContractUpdateView.as_view(),
        name="contract_update",
    ),
    path(
        "contracts/<int:contract_id>/checklist/<int:pk>/",
        contracts.ChecklistItemUpdateView.as_view(),
        name="checklist_item_update",
    ),
    path(
        "disclosures/",
        disclosures.DisclosureListView.as_view(),
        name="disclosure_list",
    ),
    path(
        "disclosures/<int:pk>/",
        disclosures.DisclosureDetailView.as_view(),
        name="disclosure_detail",
    ),
    path(
        "disclosures/<int:pk>/upload/",
        disclosures.DisclosureUploadView.as_view(),
        name="disclosure_upload",
    ),
    path(
        "disclosures/<int:pk>/errors.csv",
        disclosures.DisclosureErrorsView.as_view(),
        name="disclosure_errors",
    ),
    path(
        "disclosures/<int:disclosure_id>/uploads/<int:pk>/",
        disclosures.DisclosureUploadStatusView.as_view(),
        name="disclosure_upload_status",
    ),
    path(
        "disclosures/<int:disclosure_id>/uploads/<int:pk>/errors.csv",
        disclosures.DisclosureUploadErrorsView.as_view(),
        name="disclosure_upload_errors",
    ),
    path(
        "disclosures/<int:pk>/lines/",
        disclosures.DisclosureLineAddView.as_view(),
        name="disclosure_line_add",
    ),
    path(
        "disclosure-lines/<int:pk>/delete/",
        disclosures.DisclosureLineDeleteView.as_view(),
        name="disclosure_line_delete",
    ),
    path(
        "disclosures/<int:pk>/submit/",
        disclosures.DisclosureSubmitView.as_view(),
        name="disclosure_submit",
    ),
    path(
        "disclosures/<int:pk>/accept/",
        disclosures.DisclosureAcceptView.as_view(),
        name="disclosure_accept",
    ),
    path(
        "disclosures/<int:pk>/return/",
        disclosures.DisclosureReturnView.as_view(),
        name="disclosure_return",
    ),
    path(
        "disclosures/<int:pk>/request/",
        disclosures.DisclosureRequestView.as_view(),
        name="disclosure_request",
    ),
    path(
        "factories/",
        supply_chain.SupplyChainView.as_view(),
        name="supply_chain",
    ),
]

urlpatterns = [
    path("a/<slug:affiliate_slug>/", include(affiliate_patterns)),
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
    path("staff/factories/", staff.StaffFactoryRankingView.as_view(), name="staff_factories"),
    path("staff/factories/<int:pk>/", staff.StaffFactoryDetailView.as_view(), name="staff_factory"),
    path(
        "staff/factories/open-supply-hub/",
        open_supply_hub.FacilityListImportView.as_view(),
        name="staff_facility_list_import",
    ),
    path(
        "staff/factories/open-supply-hub/errors.csv",
        open_supply_hub.FacilityListErrorsView.as_view(),
        name="staff_facility_list_errors",
    ),
    path(
        "staff/factories/open-supply-hub.csv",
        open_supply_hub.FacilityListExportView.as_view(file_format="csv"),
        name="staff_facility_list_export_csv",
    ),
    path(
        "staff/factories/open-supply-hub.xlsx",
        open_supply_hub.FacilityListExportView.as_view(file_format="xlsx"),
        name="staff_facility_list_export_xlsx",
    ),
    path(
        "staff/factory-matches/",
        match_reviews.MatchReviewQueueView.as_view(),
        name="staff_factory_matches",
    ),
    path(
        "staff/factory-matches/<int:pk>/",
        match_reviews.MatchReviewQueueView.as_view(),
        name="staff_factory_match",
    ),
    path(
        "staff/factory-matches/waiting/",
        match_reviews.MatchReviewListView.as_view(),
        name="staff_factory_match_list",
    ),
    path(
        "staff/factory-matches/decided/",
        match_reviews.MatchReviewDecidedView.as_view(),
        name="staff_factory_match_decided",
    ),
    path(
        "staff/factory-merges/<int:pk>/undo/",
        match_reviews.FactoryUnmergeView.as_view(),
        name="staff_factory_unmerge",
    ),
    path("staff/reference/", include(reference_urls())),
    path("staff/suppliers/", staff.StaffSupplierListView.as_view(), name="staff_suppliers"),
    path(
        "staff/suppliers/<int:pk>/", staff.StaffSupplierDetailView.as_view(), name="staff_supplier"
    ),
    path(
        "staff/suppliers/<int:pk>/rba/",
        staff.StaffSupplierRbaView.as_view(),
        name="staff_supplier_rba",
    ),
    path(
        "staff/disclosures/",
        staff.DisclosureConfirmationListView.as_view(),
        name="staff_disclosure_confirmations",
    ),
    path(
        "staff/disclosures/<int:pk>/confirm/",
        staff.DisclosureConfirmView.as_view(),
        name="staff_disclosure_confirm",
    ),
]

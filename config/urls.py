from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from affiliates import views as affiliate_views
from monitoring import views as monitoring_views
from suppliers import views as supplier_views

from . import views
from .api import router

# The admin login goes through allauth: same rate limits, MFA and security log.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Electronics Watch"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("language/", affiliate_views.LanguageView.as_view(), name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("account/", affiliate_views.AccountView.as_view(), name="account"),
    path("account/tokens/", affiliate_views.ApiTokenView.as_view(), name="api_tokens"),
    path(
        "invitations/<str:token>/",
        affiliate_views.InvitationAcceptView.as_view(),
        name="invitation_accept",
    ),
    path("a/<slug:affiliate_slug>/", include("affiliates.urls")),
    path("a/<slug:affiliate_slug>/", include("suppliers.urls")),
    path("a/<slug:affiliate_slug>/", include("monitoring.affiliate_urls")),
    path(
        "disclose/<str:token>/",
        supplier_views.ContractorDisclosureView.as_view(),
        name="contractor_disclosure",
    ),
    path(
        "disclosure-template.<str:fmt>",
        supplier_views.disclosure_template,
        name="disclosure_template",
    ),
    path("staff/", affiliate_views.StaffDashboardView.as_view(), name="staff_dashboard"),
    path(
        "staff/affiliates/",
        affiliate_views.StaffAffiliateListView.as_view(),
        name="staff_affiliates",
    ),
    path(
        "staff/factories/", supplier_views.StaffFactoryRankingView.as_view(), name="staff_factories"
    ),
    path(
        "staff/factories/<int:pk>/",
        supplier_views.StaffFactoryDetailView.as_view(),
        name="staff_factory",
    ),
    path(
        "staff/factory-matches/",
        supplier_views.MatchReviewListView.as_view(),
        name="staff_factory_matches",
    ),
    path(
        "staff/factory-matches/<int:pk>/",
        supplier_views.MatchReviewDecideView.as_view(),
        name="staff_factory_match_decide",
    ),
    path(
        "staff/suppliers/", supplier_views.StaffSupplierListView.as_view(), name="staff_suppliers"
    ),
    path(
        "staff/compliance-reports/<int:pk>/download/",
        affiliate_views.StaffComplianceReportDownloadView.as_view(),
        name="staff_compliance_report_download",
    ),
    path("staff/", include("monitoring.staff_urls")),
    path("partner/", include("monitoring.urls")),
    path(
        "evidence/<int:pk>/",
        monitoring_views.EvidenceDownloadView.as_view(),
        name="evidence_download",
    ),
    path("", include("grievances.urls")),
    path("", include("remediation.urls")),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    path("admin/", admin.site.urls),
]

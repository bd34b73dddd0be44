"""Industry engagement: the company portal under /company/, staff's pages under
/staff/engagement/, the performance tracker for affiliates under /a/<affiliate_slug>/companies/."""

from django.urls import path

from .views import performance, portal

app_name = "engagement"

urlpatterns = [
    # --- Company portal (/company/) ---
    path("company/", portal.CompanyHomeView.as_view(), name="company_home"),
    # --- Company performance tracker ---
    path(
        "a/<slug:affiliate_slug>/companies/",
        performance.AffiliateCompanyListView.as_view(),
        name="affiliate_companies",
    ),
    path(
        "a/<slug:affiliate_slug>/companies/<int:pk>/",
        performance.AffiliateCompanyDetailView.as_view(),
        name="affiliate_company",
    ),
    path(
        "staff/companies/performance/",
        performance.StaffComparisonView.as_view(),
        name="staff_performance",
    ),
    path(
        "staff/companies/performance/recompute/",
        performance.StaffRecomputeView.as_view(),
        name="staff_recompute",
    ),
    path(
        "staff/companies/performance/methods/",
        performance.StaffMethodListView.as_view(),
        name="staff_methods",
    ),
    path(
        "staff/companies/performance/methods/<int:pk>/withdraw/",
        performance.StaffMethodWithdrawView.as_view(),
        name="staff_method_withdraw",
    ),
    path(
        "staff/companies/<int:pk>/performance/",
        performance.StaffCompanyPerformanceView.as_view(),
        name="staff_company_performance",
    ),
    path(
        "company/performance/",
        performance.CompanyPerformanceView.as_view(),
        name="company_performance",
    ),
    path(
        "company/performance/<int:pk>/comments/",
        performance.CompanyScoreCommentView.as_view(),
        name="company_score_comment",
    ),
]

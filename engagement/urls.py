"""Industry engagement: the company portal under /company/, staff's pages under
/staff/engagement/, the performance tracker for affiliates under /a/<affiliate_slug>/companies/."""

from django.urls import path

from .views import portal

app_name = "engagement"

urlpatterns = [
    # --- Company portal (/company/) ---
    path("company/", portal.CompanyHomeView.as_view(), name="company_home"),
]

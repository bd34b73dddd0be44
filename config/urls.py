"""Root URLs: each app's pages under its own namespace, the API router, the admin."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from affiliates.views import LoginView, home
from core.health import healthz

from .api import router

# The admin login goes through allauth: same rate limits, MFA and security log.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Electronics Watch"

handler404 = "core.api.page_not_found"

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/login/", LoginView.as_view(), name="account_login"),
    path("accounts/", include("allauth.urls")),
    path("", include("affiliates.urls")),
    path("", include("suppliers.urls")),
    path("", include("monitoring.urls")),
    path("", include("grievances.urls")),
    path("", include("remediation.urls")),
    path("", include("learning.urls")),
    path("", include("engagement.urls")),
    path("", include("reports.urls")),
    path("", include("core.urls")),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    path("admin/", admin.site.urls),
]

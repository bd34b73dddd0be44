from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("", views.PartnerDashboardView.as_view(), name="partner_dashboard"),
]

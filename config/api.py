"""The `/api/v1/` router: every app registers its resources here, so the root lists them."""

from rest_framework import status
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import exception_handler as drf_exception_handler

from affiliates.api import (
    AffiliateViewSet,
    ComplianceReportViewSet,
    ContractViewSet,
    MembershipViewSet,
)
from grievances.api import GrievanceViewSet
from monitoring.api import FindingViewSet, MonitoringReportViewSet
from remediation.api import CaseViewSet
from suppliers.api import (
    DisclosureLineViewSet,
    DisclosureViewSet,
    FactoryViewSet,
    SupplierViewSet,
)

from .errors import DomainError

router = DefaultRouter()
router.register("affiliates", AffiliateViewSet, basename="affiliate")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("contracts", ContractViewSet, basename="contract")
router.register("compliance-reports", ComplianceReportViewSet, basename="compliancereport")
router.register("suppliers", SupplierViewSet, basename="supplier")
router.register("factories", FactoryViewSet, basename="factory")
router.register("disclosures", DisclosureViewSet, basename="disclosure")
router.register("disclosure-lines", DisclosureLineViewSet, basename="disclosureline")
router.register("monitoring-reports", MonitoringReportViewSet, basename="monitoringreport")
router.register("findings", FindingViewSet, basename="finding")
router.register("grievances", GrievanceViewSet, basename="grievance")
router.register("cases", CaseViewSet, basename="case")


def exception_handler(exc, context):
    """A broken business rule is the caller's error: 400 with the rule's message."""
    if isinstance(exc, DomainError):
        body = {exc.field: [exc.message]} if exc.field else {"detail": exc.message}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)

"""The `/api/v1/` router: every app registers its resources here, so the root lists them."""

from rest_framework.routers import DefaultRouter

from affiliates.api import AffiliateViewSet, MembershipViewSet
from engagement.api.actions import CompanyActionViewSet
from engagement.api.dialogue import (
    CommitmentViewSet,
    CompanyCommitmentViewSet,
    DialogueViewSet,
    OrganisationViewSet,
)
from engagement.api.disclosures import CompanyDisclosureViewSet
from engagement.api.performance import CompanyScoresViewSet, CompanyScoreViewSet
from engagement.api.referrals import RbaReferralViewSet
from engagement.api.replies import CompanyFindingReplyViewSet, RightOfReplyViewSet
from grievances.api import GrievanceViewSet
from learning.api.assessment import AssessmentViewSet
from learning.api.community import ThreadViewSet
from learning.api.events import EventViewSet
from learning.api.library import ResourceViewSet
from learning.api.screening import ScreeningViewSet
from monitoring.api import FindingViewSet, MonitoringReportViewSet
from remediation.api import CaseViewSet
from reports.api import ComplianceReportViewSet, PriorityViewSet
from reports.risk_api import RiskViewSet
from suppliers.api import (
    ContractOcdsViewSet,
    ContractViewSet,
    DisclosureLineViewSet,
    DisclosureUploadViewSet,
    DisclosureViewSet,
    FactoryViewSet,
    SupplierViewSet,
)
from suppliers.reference_api import (
    CountryRiskLevelViewSet,
    ExchangeRateViewSet,
    MigrationCorridorViewSet,
    PathfinderCountryViewSet,
    ProductCategoryViewSet,
    RatificationViewSet,
)

router = DefaultRouter()
router.register("affiliates", AffiliateViewSet, basename="affiliate")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("contracts", ContractViewSet, basename="contract")
router.register("ocds/contracts", ContractOcdsViewSet, basename="ocds-contracts")
router.register("compliance-reports", ComplianceReportViewSet, basename="compliancereport")
router.register("priorities", PriorityViewSet, basename="priority")
router.register("suppliers", SupplierViewSet, basename="supplier")
router.register("factories", FactoryViewSet, basename="factory")
router.register("disclosures", DisclosureViewSet, basename="disclosure")
router.register("disclosure-lines", DisclosureLineViewSet, basename="disclosureline")
router.register("disclosure-uploads", DisclosureUploadViewSet, basename="disclosureupload")
router.register("monitoring-reports", MonitoringReportViewSet, basename="monitoringreport")
router.register("findings", FindingViewSet, basename="finding")
router.register("grievances", GrievanceViewSet, basename="grievance")
router.register("cases", CaseViewSet, basename="case")
router.register("threads", ThreadViewSet, basename="thread")
router.register("screenings", ScreeningViewSet, basename="screening")
router.register("events", EventViewSet, basename="event")
router.register("resources", ResourceViewSet, basename="resource")
router.register("self-assessments", AssessmentViewSet, basename="selfassessment")
# Engagement: the company performance tracker.
router.register("company/scores", CompanyScoreViewSet, basename="company-score")
router.register("company-scores", CompanyScoresViewSet, basename="companyscores")
# Company portal: disclosures and corrective actions
router.register("company/disclosures", CompanyDisclosureViewSet, basename="company-disclosure")
router.register("company/actions", CompanyActionViewSet, basename="company-action")
router.register("company/findings", CompanyFindingReplyViewSet, basename="company-finding-reply")
router.register("rights-of-reply", RightOfReplyViewSet, basename="rightofreply")
# Industry engagement: RBA referrals and multi-stakeholder dialogue.
router.register("rba-referrals", RbaReferralViewSet, basename="rbareferral")
router.register("dialogues", DialogueViewSet, basename="dialogue")
router.register("commitments", CommitmentViewSet, basename="commitment")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("company/commitments", CompanyCommitmentViewSet, basename="company-commitment")
# Risk reference data (read-only; EW staff edit them on /staff/reference/).
router.register("reference/ratifications", RatificationViewSet, basename="ratification")
router.register("reference/pathfinders", PathfinderCountryViewSet, basename="pathfinder")
router.register("reference/corridors", MigrationCorridorViewSet, basename="corridor")
router.register("reference/products", ProductCategoryViewSet, basename="productcategory")
router.register("reference/exchange-rates", ExchangeRateViewSet, basename="exchangerate")
router.register("reference/country-risk", CountryRiskLevelViewSet, basename="countryrisk")
# Risk intelligence: the risk views' tables.
router.register("risk", RiskViewSet, basename="risk")

"""Demo data: an open referral to the RBA.

The factory of the demo fees case ("Recruitment fees and retained passports at Ayutthaya
Precision", or the first case) gets an owner company that is a regular RBA member, and the
case is referred 50 days ago with its response due in 10 days. Idempotent: the owner is
found by name, and a case with a referral still open is left as it is. Nothing is e-mailed.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from remediation.models import RemediationCase
from suppliers.models import RbaMembership, Supplier
from suppliers.services import supplier_set_rba_membership

from ..models import RbaReferral
from ..services.referrals import referral_create

OWNER_NAME = "Ayutthaya Precision Electronics Co., Ltd."
FEES_CASE = "Recruitment fees and retained passports at Ayutthaya Precision"


def demo_case() -> RemediationCase | None:
    cases = RemediationCase.objects.select_related("factory__owner").order_by("pk")
    return cases.filter(title=FEES_CASE).first() or cases.first()


def rba_owner(case: RemediationCase, staff) -> Supplier:
    """The factory's owner, made an RBA member (created when the factory has none)."""
    factory = case.factory
    owner = factory.owner
    if owner is None:
        owner, _created = Supplier.objects.get_or_create(
            name=OWNER_NAME, defaults={"country": factory.country, "is_manufacturer": True}
        )
        factory.owner = owner
        factory.save(update_fields=["owner"])
    if owner.rba_membership == RbaMembership.NONE:
        owner = supplier_set_rba_membership(
            supplier=owner,
            rba_membership=RbaMembership.REGULAR,
            rba_member_since=date(2018, 5, 1),
            by=staff,
        )
    return owner


def seed(*, users, **context) -> dict:
    staff = users["staff@ewatch.example"]
    case = demo_case()
    if case is None:
        return {}
    rba_owner(case, staff)
    if not RbaReferral.objects.filter(case=case).exists():
        today = timezone.localdate()
        referral_create(
            case=case,
            shared_text=(
                "Summary of the published findings on recruitment fees and retained passports, "
                "the agreed remediation plan and the timetable of reimbursements. No worker's "
                "identity or testimony was shared."
            ),
            materials=[
                RbaReferral.Material.FINDINGS_SUMMARY,
                RbaReferral.Material.REMEDIATION_PLAN,
                RbaReferral.Material.COMPANY_RESPONSES,
            ],
            referred_on=today - timedelta(days=50),
            response_due=today + timedelta(days=10),
            by=staff,
        )
    return {}

"""Demo data: a trade union at the demo factory, credited on the fees case, and a
multi-stakeholder dialogue on that case: two meetings (shared and confidential minutes),
participants (both demo affiliates, the factory's owner, the brand "Acme Devices" when the
demo companies exist, the monitoring partner, the union and the employer's HR manager) and
commitments, one of them overdue and one done.

Idempotent: the union and the dialogue are found by name and title; a dialogue that exists
is left as it is. Nothing is e-mailed.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from affiliates.models import Affiliate
from monitoring.models import MonitoringPartner
from suppliers.models import Supplier

from ..models import Dialogue, Organisation
from ..services import dialogue as services
from .referrals import demo_case, rba_owner

UNION_NAME = "Ayutthaya Electronics Workers' Union"
TITLE = "Round table on recruitment fees at Ayutthaya Precision"


def _union(case, staff) -> Organisation:
    union = Organisation.objects.filter(name=UNION_NAME).first()
    if union is not None:
        return union
    return services.organisation_save(
        kind=Organisation.Kind.TRADE_UNION,
        name=UNION_NAME,
        country=case.factory.country,
        factories=[case.factory],
        contact_name="Khun Somchai (branch secretary)",
        contact_email="branch@ayutthaya-union.example",
        credited_cases=[case],
        credited_grievances=list(case.grievances.filter(factory=case.factory)),
        by=staff,
    )


def seed(*, users, partner=None, **context) -> dict:
    staff = users["staff@ewatch.example"]
    case = demo_case()
    if case is None:
        return {}
    owner = rba_owner(case, staff)
    union = _union(case, staff)
    if Dialogue.objects.filter(title=TITLE).exists():
        return {}
    today = timezone.localdate()
    brand = Supplier.objects.filter(name="Acme Devices").first()
    dialogue = services.dialogue_save(
        title=TITLE,
        format=Dialogue.Format.SERIES,
        purpose=(
            "Bring the employer, the brand, the buyers and the workers' union together on "
            "reimbursing recruitment fees and returning passports."
        ),
        case=case,
        companies=[c for c in (owner, brand) if c is not None],
        by=staff,
    )
    services.meeting_save(
        dialogue=dialogue,
        held_on=today - timedelta(days=40),
        agenda="1. What workers paid, and to whom.\n2. Returning passports.",
        minutes_shared=(
            "The employer agreed to return every passport within two weeks. The union will "
            "tell workers how to claim the reimbursement."
        ),
        minutes_confidential=(
            "Workers told the partner privately that the Yangon broker still calls their "
            "families. Not to be shared with the companies."
        ),
        by=staff,
    )
    services.meeting_save(
        dialogue=dialogue,
        held_on=today - timedelta(days=10),
        agenda="1. Reimbursement timetable.\n2. Ending the broker's contract.",
        minutes_shared="The brand presented the reimbursement timetable; first payment made.",
        minutes_confidential="The HR manager's figures contradict the brand's; check payslips.",
        by=staff,
    )
    parties = {}
    for slug in ("northvale", "southport"):
        affiliate = Affiliate.objects.filter(slug=slug).first()
        if affiliate is not None:
            parties[slug] = services.participant_add(
                dialogue=dialogue, kind="affiliate", affiliate=affiliate, role="Buyer", by=staff
            )
    parties["owner"] = services.participant_add(
        dialogue=dialogue, kind="company", company=owner, role="Employer", by=staff
    )
    if brand is not None:
        parties["brand"] = services.participant_add(
            dialogue=dialogue, kind="company", company=brand, role="Brand", by=staff
        )
    partner = partner or MonitoringPartner.objects.order_by("pk").first()
    if partner is not None:
        services.participant_add(
            dialogue=dialogue, kind="partner", partner=partner, role="Monitoring", by=staff
        )
    parties["union"] = services.participant_add(
        dialogue=dialogue, kind="organisation", organisation=union, role="Workers", by=staff
    )
    parties["hr"] = services.participant_add(
        dialogue=dialogue,
        kind="person",
        name="Khun Malee (HR manager)",
        role="Employer's HR",
        contact_email="hr@ayutthaya-precision.example",
        by=staff,
    )
    commitments = [
        ("owner", "Publish the reimbursement timetable to every worker, in Burmese.", -5),
        ("union", "Hold two information sessions for workers on claiming the fees.", 21),
        ("brand", "Share evidence of each reimbursement payment with Electronics Watch.", 30),
        ("northvale", "Raise the fees with the contractor at the quarterly contract review.", 14),
    ]
    for key, text, days in commitments:
        if key in parties:
            services.commitment_save(
                dialogue=dialogue,
                text=text,
                owner=parties[key],
                due_on=today + timedelta(days=days),
                by=staff,
            )
    done = services.commitment_save(
        dialogue=dialogue,
        text="Return every passport to its holder.",
        owner=parties["hr"],
        due_on=today - timedelta(days=26),
        by=staff,
    )
    services.commitment_set_status(
        commitment=done, status="done", done_on=today - timedelta(days=28), by=staff
    )
    return {}

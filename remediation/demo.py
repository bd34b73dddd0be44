"""Demo remediation cases (idempotent): several states, actions due soon, due today and
overdue, joined by northvale and southport. Built through the services, like real work;
only the dates are moved back afterwards, to make some actions late."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from affiliates.models import Affiliate, Membership
from monitoring.models import Finding, MonitoringReport
from suppliers.models import Supplier

from . import plan, services
from .models import (
    Audience,
    CaseStatus,
    Engagement,
    Escalation,
    RemediationAction,
    RemediationCase,
)


def seed(*, users, partner=None, **context) -> dict:
    staff = users["staff@ewatch.example"]
    published = (
        Finding.objects.filter(report__status=MonitoringReport.Status.PUBLISHED)
        .select_related("report__factory", "standard")
        .order_by("pk")
    )
    by_standard = {f.standard.number: f for f in published}
    if RemediationCase.objects.exists() or 2 not in by_standard:
        return {}
    today = timezone.localdate()
    affiliates = {a.slug: a for a in Affiliate.objects.filter(slug__in=["northvale", "southport"])}
    officers = {
        "northvale": _membership(affiliates["northvale"], users["officer@northvale.example"]),
        "southport": _membership(affiliates["southport"], users["officer@southport.example"]),
    }
    acme = Supplier.objects.filter(name__iexact="Acme Devices").first()

    fees = _case(
        by_standard[2],
        staff,
        partner,
        title="Recruitment fees and retained passports at Ayutthaya Precision",
        summary=(
            "Migrant workers from Myanmar paid recruitment fees of about THB 25,700 each and "
            "their passports are kept by the employer. The brand and the employer are asked to "
            "return every passport, reimburse the fees and stop using the Yangon broker."
        ),
        companies=[services.CompanyRole(acme, "brand")] if acme else [],
    )
    # The employer (the factory's owner) returns the passports; the brand pays and changes
    # its sourcing: done and verified, open and due soon, overdue.
    employer = _owner(fees.factory)
    passports = _action(fees, staff, "Return every passport to its holder", 20, owner=employer)
    policy = _action(
        fees, staff, "Adopt an Employer Pays policy for every supplier", 10, owner=acme
    )
    _action(fees, staff, "Reimburse recruitment fees to the 140 workers", 5, owner=acme)
    broker = _action(fees, staff, "End the contract with the Yangon broker", 14, owner=acme)
    _move(fees, staff, CaseStatus.PLAN_AGREED, CaseStatus.IN_PROGRESS)
    plan.action_claim_done(
        action=passports, by=staff, evidence="Signed receipts from 140 workers; photographs."
    )
    plan.action_verify(
        action=passports, by=staff, verified_by="workers", note="Confirmed by 12 workers off-site."
    )
    plan.action_claim_done(
        action=policy, by=staff, evidence="The policy, signed by Acme's board, and its rollout."
    )
    plan.action_verify(
        action=policy, by=staff, verified_by="partner", note="Policy read; suppliers informed."
    )
    _employer_pays(fees, by_standard[2], staff, today)
    _late(broker, days=9)
    for slug in ("northvale", "southport"):
        services.case_join(case=fees, affiliate=affiliates[slug], membership=officers[slug])
    services.engagement_log(
        case=fees,
        affiliate=affiliates["northvale"],
        membership=officers["northvale"],
        kind=Engagement.Kind.LETTER,
        level=Engagement.Level.FORMAL,
        happened_on=today - timedelta(days=3),
        summary="Formal letter to the contractor under the contract conditions.",
    )
    plan.update_post(
        case=fees,
        by=staff,
        audience=Audience.AFFILIATES,
        text="The brand has paid the first quarter of the reimbursement.",
    )
    plan.update_post(
        case=fees,
        by=staff,
        audience=Audience.INTERNAL,
        text="The employer's HR manager contradicts the brand's figures; check the payslips.",
    )

    services.engagement_log(
        case=fees,
        affiliate=affiliates["southport"],
        membership=officers["southport"],
        kind=Engagement.Kind.MEETING,
        level=Engagement.Level.INFORMAL,
        happened_on=today - timedelta(days=1),
        summary="Met the contractor's account manager about the fees.",
    )

    if 7 in by_standard:
        hours = _case(
            by_standard[7],
            staff,
            partner,
            title="Excessive overtime on line 4",
            summary="Workers on line 4 work 12-hour shifts 13 days out of 14 in peak season.",
        )
        _action(hours, staff, "Publish a shift plan within the legal overtime limit", 0)
        _move(hours, staff, CaseStatus.PLAN_AGREED)
        services.case_join(
            case=hours, affiliate=affiliates["northvale"], membership=officers["northvale"]
        )

    if 6 in by_standard:
        threats = _case(
            by_standard[6],
            staff,
            partner,
            title="Supervisors threatening workers who complain",
            summary="Supervisors threatened workers who raised complaints about overtime.",
        )
        training = _action(threats, staff, "Train supervisors; post the no-retaliation policy", 7)
        _late(training, days=2)
        plan.escalation_add(
            case=threats,
            by=staff,
            body=Escalation.Body.RBA,
            body_detail="Complaint under the RBA Code of Conduct",
            escalated_on=today - timedelta(days=10),
        )
        services.case_join(
            case=threats, affiliate=affiliates["southport"], membership=officers["southport"]
        )
    _opened_last_december(today)
    return {}


def _opened_last_december(today) -> None:
    """The demo cases began last December, after the findings were published, so that the
    default compliance report (the last calendar year) shows them and an engagement."""
    from django_scopes import scopes_disabled

    from .models import Engagement, Participation

    opened = date(today.year - 1, 12, 15)
    RemediationCase.objects.update(opened_on=opened)
    Participation.objects.update(invited_on=opened)
    Participation.objects.filter(joined_on__isnull=False).update(
        joined_on=opened + timedelta(days=1)
    )
    with scopes_disabled():
        first = Engagement.objects.order_by("pk").first()
        Engagement.objects.filter(pk=first.pk).update(happened_on=opened + timedelta(days=5))


DEMO_RATE_SOURCE = "Demo rate (illustrative, not a published reference rate)"


def _employer_pays(case, finding, staff, today) -> None:
    """The 140 workers' fees (a broker's fee in kyat, the visa and the medical in baht) owed
    back in baht, a quarter paid five months ago and more since: partly reimbursed."""
    from core.currency import to_eur
    from core.models import ExchangeRate
    from monitoring.models import CohortFee, MigrantCohort
    from suppliers.models import MigrationCorridor

    from . import compensation as employer_pays

    recruited = today - timedelta(days=400)
    for currency, day, rate in (
        ("MMK", recruited, "2300"),
        ("THB", recruited, "37.9"),
        ("THB", today, "38.5"),
    ):
        ExchangeRate.objects.get_or_create(
            currency=currency,
            date=day,
            defaults={"units_per_euro": Decimal(rate), "source": DEMO_RATE_SOURCE},
        )
    cohort, created = MigrantCohort.objects.get_or_create(
        report=finding.report,
        origin_country="MM",
        destination_country="TH",
        defaults={
            "corridor": MigrationCorridor.objects.filter(
                origin="MM", destination="TH", transit=[]
            ).first(),
            "workers_women": 62,
            "workers_men": 78,
            "documents_held_by": "employer",
        },
    )
    cohort.findings.add(finding)
    if created:
        for step, item, amount, currency in (
            ("origin_recruitment", "recruitment_fee", "1000000", "MMK"),
            ("arrival", "visa_permit", "6500", "THB"),
            ("arrival", "medical", "2500", "THB"),
        ):
            converted = to_eur(Decimal(amount), currency, recruited)
            CohortFee.objects.create(
                cohort=cohort,
                step=step,
                cost_item=item,
                amount=Decimal(amount),
                currency=currency,
                paid_on=recruited,
                amount_eur=converted.amount_eur,
                rate=converted.rate,
            )
    compensation = case.compensations.filter(cohort=cohort).first()
    if compensation is None:
        compensation = employer_pays.compensation_from_cohort(
            case=case, cohort=cohort, by=staff, currency="THB"
        )
        owed = compensation.amount_owed
        employer_pays.compensation_set_agreed(
            compensation=compensation, by=staff, amount_agreed=owed
        )
        for days_ago, share, workers in ((150, "0.25", 35), (90, "0.15", 21), (30, "0.10", 14)):
            employer_pays.payment_record(
                compensation=compensation,
                by=staff,
                paid_on=today - timedelta(days=days_ago),
                amount=(owed * Decimal(share)).quantize(Decimal("0.01")),
                workers_paid=workers,
                note="Bank transfers; payroll records shared with the monitoring partner.",
            )


def _membership(affiliate, user) -> Membership:
    from django_scopes import scopes_disabled

    with scopes_disabled():
        return Membership.objects.select_related("user").get(affiliate=affiliate, user=user)


def _case(finding, staff, partner, *, title, summary, companies=()) -> RemediationCase:
    return services.case_open(
        factory=finding.report.factory,
        title=title,
        summary=summary,
        severity=finding.severity,
        fast_track=finding.fast_track,
        lead_partner=partner or finding.report.partner,
        staff_lead=staff,
        findings=[finding],
        companies=list(companies),
        by=staff,
    )


def _action(
    case, staff, description: str, due_in_days: int, *, owner: Supplier | None = None
) -> RemediationAction:
    """An action of the plan; `owner` the company that must act (its name is the owner's
    name), else the employer's HR office by name."""
    who = {"owner_supplier": owner, "owner_name": owner.name} if owner else {}
    if owner is not None and owner.name == "Acme Devices":
        contact = {"contact_name": "Alex Morgan", "contact_email": "brand@acme-devices.example"}
    else:
        contact = {
            "contact_name": "Khun Malee (HR)",
            "contact_email": "hr@ayutthaya-precision.example",
        }
    return plan.action_save(
        case=case,
        by=staff,
        description=description,
        **{"owner_name": "Ayutthaya Precision Electronics Co., Ltd.", **who},
        **contact,
        contact_language="en",
        due_date=timezone.localdate() + timedelta(days=due_in_days),
    )


def _owner(factory) -> Supplier:
    """The factory's owner, the manufacturer of the same name (made if the demo has none)."""
    if factory.owner_id is None:
        owner = Supplier.objects.filter(name=factory.name).first()
        if owner is None:
            owner = Supplier.objects.create(
                name=factory.name, is_manufacturer=True, country=factory.country
            )
        factory.owner = owner
        factory.save(update_fields=["owner", "updated_at"])
    return factory.owner


def _move(case, staff, *statuses) -> None:
    for status in statuses:
        services.case_set_status(case=case, status=status, by=staff)


def _late(action: RemediationAction, *, days: int) -> None:
    """Make a demo action overdue: a real one only becomes late by the calendar."""
    RemediationAction.objects.filter(pk=action.pk).update(
        due_date=timezone.localdate() - timedelta(days=days)
    )

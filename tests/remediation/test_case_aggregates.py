"""A case's stored aggregates (actions, open actions, earliest due date of an open one) equal a
fresh recomputation after every service that changes its plan, and after writes that bypass
the services; the lists, the API and the dashboard read them."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from remediation import plan, services
from remediation.aggregates import case_aggregate_drift, refresh_case_aggregates
from remediation.models import ActionStatus, CaseStatus, RemediationAction, RemediationCase
from tests.factories import (
    CompanyContactFactory,
    FindingFactory,
    RemediationActionFactory,
    RemediationCaseFactory,
    SupplierFactory,
    joined_case,
)

TODAY = timezone.localdate()
pytestmark = pytest.mark.django_db


def day(n: int):
    return TODAY + timedelta(days=n)


def check_aggregates(case=None) -> tuple | None:
    """No case's stored values differ from the recomputation; the case's stored values."""
    assert case_aggregate_drift() == []
    if case is None:
        return None
    case = RemediationCase.objects.get(pk=case.pk)
    return case.action_count, case.open_action_count, case.next_due


def _action(case, by, **data):
    data.setdefault("owner_name", "Rayong Precision Components")
    return plan.action_save(case=case, by=by, **data)


def test_every_plan_service_keeps_the_case_exact(staff):
    finding = FindingFactory()
    case = services.case_open(
        factory=finding.report.factory,
        title="Passports held by the employer",
        summary="Passports of migrant workers are kept by the employer.",
        severity="high",
        staff_lead=staff,
        findings=[finding],
        by=staff,
    )
    assert check_aggregates(case) == (0, 0, None)

    first = _action(case, staff, description="Return the passports", due_date=day(10))
    assert check_aggregates(case) == (1, 1, day(10))
    second = _action(case, staff, description="Pay back the fees", due_date=day(5))
    assert check_aggregates(case) == (2, 2, day(5))
    _action(case, staff, action=second, due_date=day(20))
    assert check_aggregates(case) == (2, 2, day(10))

    plan.action_claim_done(action=first, by=staff, evidence="Receipts signed by workers.")
    assert check_aggregates(case) == (2, 1, day(20))
    plan.action_reject_claim(action=first, by=staff, reason="Three passports are missing.")
    assert check_aggregates(case) == (2, 2, day(10))
    plan.action_claim_done(action=first, by=staff, evidence="All passports returned.")
    plan.action_verify(action=first, by=staff, verified_by="workers")
    assert check_aggregates(case) == (2, 1, day(20))

    services.case_set_status(case=case, status=CaseStatus.PLAN_AGREED, by=staff)
    services.case_update(case=case, by=staff, title="Passports and fees", fast_track=True)
    assert check_aggregates(case) == (2, 1, day(20))

    company = SupplierFactory(name="Acme Devices", is_brand=True)
    owned = _action(
        case, staff, description="Audit the agent", owner_supplier=company, due_date=day(30)
    )
    assert check_aggregates(case) == (3, 2, day(20))
    _action(case, staff, action=owned, due_date=day(2))
    assert check_aggregates(case) == (3, 2, day(2))
    contact = CompanyContactFactory(company=company)
    plan.action_progress_post(action=owned, by=contact, text="Half done.")
    assert check_aggregates(case) == (3, 2, day(2))
    plan.action_progress_post(action=owned, by=contact, text="Done.", asks_verification=True)
    assert check_aggregates(case) == (3, 1, day(20))
    plan.action_claim_done(action=second, by=staff, evidence="Fees repaid.")
    assert check_aggregates(case) == (3, 0, None)

    plan.action_verify(action=second, by=staff, verified_by="partner")
    plan.action_verify(action=owned, by=staff, verified_by="partner")
    services.case_set_status(case=case, status=CaseStatus.IN_PROGRESS, by=staff)
    services.case_set_status(case=case, status=CaseStatus.REMEDIATED, by=staff)
    assert check_aggregates(case) == (3, 0, None)


def test_a_full_save_of_a_stale_case_leaves_the_aggregates_alone(staff):
    case = RemediationCaseFactory()
    stale = RemediationCase.objects.get(pk=case.pk)
    RemediationActionFactory(case=case, due_date=day(3))

    stale.title = "Passports returned (renamed)"
    stale.save()

    assert check_aggregates(case) == (1, 1, day(3))


def test_writes_that_bypass_the_services_keep_them_exact_too():
    first, second = RemediationCaseFactory(), RemediationCaseFactory()
    RemediationAction.objects.bulk_create(
        [
            RemediationActionFactory.build(case=case, due_date=day(n), status=status)
            for case in (first, second)
            for n, status in (
                (4, ActionStatus.PLANNED),
                (1, ActionStatus.VERIFIED),
                (9, "rejected"),
            )
        ]
    )
    assert check_aggregates(first) == (3, 2, day(4))

    RemediationAction.objects.filter(case=first, due_date=day(4)).update(due_date=day(-2))
    assert check_aggregates(first) == (3, 2, day(-2))
    moved = first.actions.get(due_date=day(-2))
    RemediationAction.objects.filter(pk=moved.pk).update(case=second)
    assert check_aggregates(first) == (2, 1, day(9))
    assert check_aggregates(second) == (4, 3, day(-2))

    second.actions.filter(status=ActionStatus.PLANNED).delete()
    assert check_aggregates(second) == (2, 1, day(9))
    second.delete()
    assert check_aggregates() is None


def test_overdue_needs_no_daily_job():
    case = RemediationCaseFactory()
    RemediationActionFactory(case=case, due_date=day(1))
    RemediationActionFactory(case=case, due_date=day(2))
    RemediationActionFactory(case=case, due_date=day(1), status=ActionStatus.VERIFIED)
    cases = RemediationCase.objects.all()

    # Nothing is written as the days pass: tomorrow's and the day after's answers.
    assert list(cases.with_overdue(day(1))) == []
    assert list(cases.with_overdue(day(2))) == [case]
    assert cases.with_action_counts(day(1)).get().overdue_count == 0
    assert cases.with_action_counts(day(2)).get().overdue_count == 1
    assert cases.with_action_counts(day(3)).get().overdue_count == 2


def test_refresh_and_verify_aggregates_repair_drift(capsys):
    case = RemediationCaseFactory()
    RemediationActionFactory(case=case, due_date=day(6))
    with connection.cursor() as cursor:  # as a writer with triggers disabled would leave it
        cursor.execute(
            "UPDATE remediation_remediationcase SET next_due = NULL WHERE id = %s", [case.pk]
        )
    assert [(d["pk"], d["next_due"], d["expected_next_due"]) for d in case_aggregate_drift()] == [
        (case.pk, None, day(6))
    ]
    with pytest.raises(CommandError, match="1 row"):
        call_command("verify_aggregates")

    call_command("verify_aggregates", "--fix")
    assert "remediation cases: fixed, 0 still drifted." in capsys.readouterr().out
    assert check_aggregates(case) == (1, 1, day(6))
    assert refresh_case_aggregates() == 0


def test_the_lists_and_the_api_read_the_stored_values(
    client, staff, northvale, northvale_officer, django_assert_max_num_queries
):
    late = joined_case(northvale, title="Late plan")
    RemediationActionFactory(case=late, due_date=day(-3))
    RemediationActionFactory(case=late, due_date=day(-1))
    RemediationActionFactory(case=late, due_date=day(4))
    on_time = joined_case(northvale, title="Plan on time")
    RemediationActionFactory(case=on_time, due_date=day(4))
    RemediationActionFactory(case=on_time, due_date=day(-8), status=ActionStatus.VERIFIED)
    check_aggregates()

    client.force_login(staff)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("remediation:staff_cases") + "?overdue=1")
    assert [(c, c.action_count, c.overdue_count) for c in response.context["cases"]] == [
        (late, 3, 2)
    ]
    body = client.get("/api/v1/cases/?overdue=true").json()
    rows = body["results"] if isinstance(body, dict) else body
    assert [(r["id"], r["action_count"], r["overdue_action_count"]) for r in rows] == [
        (late.pk, 3, 2)
    ]

    client.force_login(northvale_officer)
    response = client.get(
        reverse("remediation:affiliate_cases", kwargs={"affiliate_slug": northvale.slug})
    )
    counts = {c.pk: (c.action_count, c.overdue_count) for c in response.context["cases"]}
    assert counts == {late.pk: (3, 2), on_time.pk: (2, 0)}

"""The right of reply's demo data: Acme Devices has findings awaiting its answer, one answered
(read by affiliates beside the published finding) and one past its deadline. Seeding twice
changes nothing."""

from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from affiliates.models import User
from engagement.demo import replies as demo
from monitoring.models import FindingReply, MonitoringPartner, ReplyState, RightOfReply


def _seed():
    demo.seed(
        users={user.email: user for user in User.objects.all()},
        partner=MonitoringPartner.objects.get(slug="workers-voice"),
    )


def _snapshot():
    return sorted(
        FindingReply.objects.values_list(
            "right_of_reply__report_id", "finding_id", "answered_at", "right_of_reply__lapsed_at"
        )
    )


def test_demo_replies_cover_each_state_and_seeding_twice_changes_nothing(db, client):
    call_command("seed_demo", verbosity=0)
    _seed()
    first = _snapshot()
    _seed()
    assert _snapshot() == first

    rights = RightOfReply.objects.filter(company__name="Acme Devices").prefetch_related(
        "replies__finding"
    )
    # The performance demo adds earlier quarters' answers and lapses: the same states.
    states = {right.state for right in rights}
    assert states == {ReplyState.ANSWERED, ReplyState.AWAITING, ReplyState.LAPSED}

    client.force_login(User.objects.get(email="brand@acme-devices.example"))
    with override_settings(EW_MFA_REQUIRED=False):  # as in `make run`'s demo mode
        page = client.get(reverse("engagement:company_findings")).content.decode()
    assert "Awaiting an answer" in page and "No answer by the deadline" in page

    client.force_login(User.objects.get(email="officer@northvale.example"))
    findings = client.get(
        reverse("monitoring:affiliate_findings", kwargs={"affiliate_slug": "northvale"})
    ).content.decode()
    assert "Acme Devices" in findings and "Employer Pays policy" in findings

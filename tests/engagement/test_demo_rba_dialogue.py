"""The demo data of RBA referrals and dialogue: loaded after the platform's demo, twice."""

from django.core.management import call_command
from django.utils import timezone

from affiliates.models import User
from engagement.demo import dialogue, referrals
from engagement.models import Commitment, Dialogue, Organisation, RbaReferral


def _seed():
    users = {user.email: user for user in User.objects.all()}
    referrals.seed(users=users)
    dialogue.seed(users=users)


def test_the_demo_has_an_open_referral_and_a_dialogue_with_an_overdue_commitment(db):
    call_command("seed_demo", verbosity=0)
    _seed()
    _seed()  # idempotent

    referral = RbaReferral.objects.get()
    assert referral.status == RbaReferral.Status.OPEN
    assert referral.case.factory.owner.is_rba_member
    assert referral.age_days() == 50
    talk = Dialogue.objects.get()
    assert talk.case == referral.case
    assert talk.meetings.count() == 2
    today = timezone.localdate()
    assert Commitment.objects.filter(status="open", due_on__lt=today).count() == 1
    assert Commitment.objects.filter(status="done").count() == 1
    union = Organisation.objects.get()
    assert referral.case.factory in union.factories.all()
    assert referral.case in union.credited_cases.all()

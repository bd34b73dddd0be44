"""EW staff's overview of capacity building (issue 12 item 6)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from affiliates.models import Membership
from learning.models import Registration, ResourceUse
from learning.services.community import community_identity, thread_ask
from tests.factories import (
    AffiliateFactory,
    EventFactory,
    RegistrationFactory,
    StaffFactory,
    TopicFactory,
    completed_assessment,
    library_resource,
    member,
    published_questionnaire,
)

pytestmark = pytest.mark.django_db
URL = reverse("learning:staff_overview")


def test_opening_a_resource_counts_for_the_members_affiliate_never_the_person(
    client, northvale, southport
):
    resource = library_resource(title="Model clause on disclosure")
    officer = member(northvale, Membership.Role.OFFICER)
    client.force_login(officer)
    client.get(resource.get_absolute_url())
    client.get(resource.get_absolute_url())
    use = ResourceUse.objects.get()
    assert (use.affiliate, use.views, use.downloads) == (northvale, 2, 0)
    assert not hasattr(use, "user")
    client.force_login(StaffFactory())
    client.get(resource.get_absolute_url())
    assert ResourceUse.objects.get().views == 2  # staff are not counted


def test_staff_see_which_affiliates_use_which_resources(client, northvale, southport):
    resource = library_resource(title="Model clause on disclosure")
    for affiliate in (northvale, southport):
        ResourceUse.objects.create(
            resource=resource, affiliate=affiliate, day=timezone.localdate(), views=3
        )
    client.force_login(StaffFactory())
    page = client.get(URL).content.decode()
    assert "Model clause on disclosure" in page
    assert northvale.name in page and southport.name in page
    narrowed = client.get(URL, {"affiliate": southport.slug}).content.decode()
    assert '<td class="num">3</td>' in narrowed


def test_staff_see_attendance_coverage_and_questions_waiting(client, northvale, southport):
    past = EventFactory(
        title="Webinar on recruitment fees",
        starts_at=timezone.now() - timedelta(days=3, hours=2),
        ends_at=timezone.now() - timedelta(days=3),
    )
    RegistrationFactory(event=past, status=Registration.Status.ATTENDED)
    RegistrationFactory(event=past, status=Registration.Status.ATTENDED)
    RegistrationFactory(event=past, status=Registration.Status.ABSENT)
    published_questionnaire()
    completed_assessment(northvale)
    quiet = AffiliateFactory(name="Quiet Town Council")
    officer = member(southport, Membership.Role.OFFICER)
    thread_ask(
        by=officer,
        identity=community_identity(officer),
        topic=TopicFactory(),
        title="How do you check recruitment fees?",
        body="We are writing a tender for laptops.",
    )
    client.force_login(StaffFactory())
    page = client.get(URL).content.decode()
    assert "Webinar on recruitment fees" in page
    assert '<td class="num">2</td>' in page  # attended
    assert quiet.name in page  # never started a self-assessment
    assert "How do you check recruitment fees?" in page


def test_the_overview_is_for_staff_only(client, northvale):
    client.force_login(member(northvale, Membership.Role.ADMIN))
    assert client.get(URL).status_code == 404


def test_the_overview_has_a_query_budget(client, django_assert_max_num_queries, northvale):
    topic = TopicFactory()
    officer = member(northvale, Membership.Role.OFFICER)
    for n in range(20):
        resource = library_resource(title=f"Resource {n}")
        ResourceUse.objects.create(
            resource=resource, affiliate=northvale, day=timezone.localdate(), views=n + 1
        )
        thread_ask(
            by=officer,
            identity=community_identity(officer),
            topic=topic,
            title=f"Question {n}",
            body="Body",
        )
    client.force_login(StaffFactory())
    with django_assert_max_num_queries(20):
        assert client.get(URL).status_code == 200

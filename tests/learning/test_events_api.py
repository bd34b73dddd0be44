"""The events API: what each audience reads, and registering and cancelling through it."""

import pytest

from core.outbox import outbox_send_pending
from learning.models import EventAudience, Registration
from learning.services import events as services
from tests.factories import EventFactory, PartnerMemberFactory, member

pytestmark = pytest.mark.django_db


def test_members_list_their_audiences_events_with_their_registration(client, northvale_officer):
    mine = EventFactory(audience=EventAudience.AFFILIATES, online_link="https://meet.example/a")
    other = EventFactory(audience=EventAudience.AFFILIATES, online_link="https://meet.example/b")
    hidden = EventFactory(audience=EventAudience.PARTNERS)
    services.registration_create(event=mine, user=northvale_officer)
    client.force_login(northvale_officer)

    body = client.get("/api/v1/events/").json()

    by_id = {item["id"]: item for item in body["results"]}
    assert set(by_id) == {mine.pk, other.pk}
    assert by_id[mine.pk]["my_registration"]["status"] == "registered"
    assert by_id[mine.pk]["online_link"] == "https://meet.example/a"
    assert by_id[other.pk]["my_registration"] is None
    assert by_id[other.pk]["online_link"] is None
    assert client.get(f"/api/v1/events/{hidden.pk}/").status_code == 404


def test_register_and_cancel_through_the_api_with_the_waiting_list(client, northvale):
    event = EventFactory(capacity=1)
    holder, waiting = member(northvale), member(northvale)

    client.force_login(holder)
    response = client.post(f"/api/v1/events/{event.pk}/register/")
    assert response.status_code == 201
    assert response.json()["my_registration"]["status"] == "registered"
    assert response.json()["places_left"] == 0

    client.force_login(waiting)
    response = client.post(f"/api/v1/events/{event.pk}/register/")
    assert response.status_code == 201
    assert response.json()["my_registration"] == {
        **response.json()["my_registration"],
        "status": "waiting",
        "waiting_position": 1,
    }
    assert response.json()["online_link"] is None
    again = client.post(f"/api/v1/events/{event.pk}/register/")
    assert again.status_code == 400
    assert "waiting list" in again.json()["detail"]

    client.force_login(holder)
    response = client.post(f"/api/v1/events/{event.pk}/cancel/")
    assert response.status_code == 200
    assert response.json()["my_registration"] is None
    assert Registration.objects.get(user=waiting).status == "registered"
    while outbox_send_pending():
        pass
    assert client.post(f"/api/v1/events/{event.pk}/cancel/").status_code == 400


def test_a_partner_cannot_register_for_an_event_for_affiliates(client):
    event = EventFactory(audience=EventAudience.AFFILIATES)
    client.force_login(PartnerMemberFactory())

    assert client.post(f"/api/v1/events/{event.pk}/register/").status_code == 404
    assert not Registration.objects.exists()


def test_the_events_api_list_stays_within_budget(
    client, northvale, northvale_officer, django_assert_max_num_queries
):
    client.force_login(northvale_officer)

    def grow(count):
        for _ in range(count):
            event = EventFactory(capacity=1)
            services.registration_create(event=event, user=northvale_officer)
            services.registration_create(event=event, user=member(northvale))

    grow(2)
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/events/").status_code == 200
    grow(25)
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/events/").status_code == 200

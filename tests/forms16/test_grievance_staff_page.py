"""Issue 16, forms that help: the staff grievance page (language, translation, factory search,
messages internal by default)."""

import re

import pytest
from django.db import connection

from grievances.models import GrievanceEvent, GrievanceMessage
from grievances.selectors import FACTORY_SEARCH_LIMIT
from tests.factories import FactoryFactory

from ..grievances.conftest import DESCRIPTION, submit

pytestmark = pytest.mark.django_db

TRANSLATION = "The agent keeps my passport and asks 40,000 baht to return it."


def test_the_page_names_the_language_and_labels_the_categories(client, staff):
    grievance, _ = submit(intake={"language": "ms"})
    client.force_login(staff)
    html = client.get(f"/staff/grievances/{grievance.pk}/").content.decode()
    assert "<dd>Malay</dd>" in html
    assert "As written, in Malay." in html
    assert f'<div class="quote" lang="ms"><p>{DESCRIPTION}</p></div>' in html
    assert "Categories the worker chose" in html
    assert "worker&#x27;s words)" not in html and "worker's words)" not in html
    client.post("/language/", {"language": "fr", "next": "/"})
    french = client.get(f"/staff/grievances/{grievance.pk}/")
    assert "<dd>Malais</dd>" in french.content.decode()


def test_a_translation_is_stored_encrypted_and_who_wrote_it_is_recorded(client, staff):
    grievance, _ = submit()
    client.force_login(staff)
    response = client.post(
        f"/staff/grievances/{grievance.pk}/translation/", {"translation": TRANSLATION}, follow=True
    )
    html = response.content.decode()
    assert "Translation saved." in html
    assert TRANSLATION in html
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT description_translation FROM grievances_grievance WHERE id = %s",
            [grievance.pk],
        )
        raw = cursor.fetchone()[0]
    assert raw and "passport" not in raw and "baht" not in raw
    grievance.refresh_from_db()
    assert grievance.description_translation == TRANSLATION
    event = grievance.events.get(kind=GrievanceEvent.Kind.TRANSLATED)
    assert (event.actor, event.note) == (staff, "")


def test_anonymising_removes_the_translation(staff):
    from grievances import services

    grievance, _ = submit()
    services.grievance_translate(grievance=grievance, translation=TRANSLATION, by=staff)
    services.grievance_anonymise(grievance=grievance, by=staff)
    grievance.refresh_from_db()
    assert grievance.description_translation == ""


def test_factory_search_returns_matching_factories_bounded(client, staff):
    grievance, _ = submit()
    for number in range(FACTORY_SEARCH_LIMIT + 3):
        FactoryFactory(name=f"Kelana Circuits {number:02}", country="MY")
    FactoryFactory(name="Penang Optics", country="MY")
    client.force_login(staff)
    url = f"/staff/grievances/{grievance.pk}/factories/"
    html = client.get(url, {"factory_q": "kelana"}).content.decode()
    assert html.count('name="factory"') == FACTORY_SEARCH_LIMIT + 1  # with "Not known"
    assert "Kelana Circuits 00" in html and "Penang Optics" not in html
    assert "Only the first matches are shown" in html
    html = client.get(url, {"factory_q": "optics"}).content.decode()
    assert "Penang Optics" in html and "Only the first" not in html
    assert client.get(url, {"factory_q": "k"}).content.decode().count('name="factory"') == 1


def test_factory_search_keeps_the_current_factory_and_works_without_javascript(client, staff):
    current = FactoryFactory(name="Batu Kawan Assembly", country="MY")
    other = FactoryFactory(name="Kulim Boards", country="MY")
    grievance, _ = submit()
    grievance.factory = current
    grievance.save(update_fields=["factory"])
    client.force_login(staff)
    page = client.get(f"/staff/grievances/{grievance.pk}/", {"factory_q": "kulim"})
    html = page.content.decode()
    assert re.search(rf'value="{current.pk}" id="factory-{current.pk}" checked', html)
    assert f'value="{other.pk}"' in html
    assert '<select name="factory"' not in html  # no 78-item select any more
    client.post(
        f"/staff/grievances/{grievance.pk}/classify/",
        {"factory": other.pk, "ilo_indicators": [], "code_standards": []},
    )
    grievance.refresh_from_db()
    assert grievance.factory == other


def test_factory_search_is_for_staff_only(client, northvale_officer, partner_member):
    grievance, _ = submit()
    url = f"/staff/grievances/{grievance.pk}/factories/?factory_q=plant"
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(northvale_officer)
    assert client.get(url).status_code in (403, 404)
    client.force_login(partner_member)
    assert client.get(url).status_code in (403, 404)


def test_new_messages_are_internal_unless_staff_choose_the_worker(client, staff):
    grievance, _ = submit()
    client.force_login(staff)
    html = client.get(f"/staff/grievances/{grievance.pk}/").content.decode()
    assert re.search(
        r'<input type="radio" name="visible_to_grievant" value="internal"[^>]*checked', html
    )
    assert not re.search(r'value="worker"[^>]*checked', html)
    url = f"/staff/grievances/{grievance.pk}/messages/"
    client.post(url, {"body": "Check with the partner first.", "visible_to_grievant": "internal"})
    client.post(url, {"body": "We are looking into it.", "visible_to_grievant": "worker"})
    client.post(url, {"body": "No choice made."})
    messages = GrievanceMessage.objects.filter(grievance=grievance).order_by("pk")
    assert [(m.body, m.visible_to_grievant) for m in messages] == [
        ("Check with the partner first.", False),
        ("We are looking into it.", True),
    ]

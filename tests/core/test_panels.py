"""`core.panels`: an upper app adds a section to a lower app's page without being imported."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from core import panels


@pytest.fixture
def slot():
    """A slot of its own, emptied after the test."""
    name = "test_slot"
    yield name
    for provider in panels.providers(name):
        panels.unregister(name, provider)


def _render(template: str, **context) -> str:
    return Template("{% load panels %}" + template).render(Context(context))


def test_every_providers_html_renders_in_the_order_registered(slot):
    panels.register(slot, lambda request, obj: f"<p>first about {obj}</p>")
    panels.register(slot, lambda request, obj: f"<p>second about {obj}</p>")

    html = _render('{% panels "test_slot" obj %}', request=RequestFactory().get("/"), obj="case 7")

    assert html == "<p>first about case 7</p><p>second about case 7</p>"


def test_a_provider_with_nothing_to_show_adds_nothing(slot):
    panels.register(slot, lambda request, obj: None)
    panels.register(slot, lambda request, obj: "<p>shown</p>")

    assert (
        _render('{% panels "test_slot" 1 %}', request=RequestFactory().get("/")) == "<p>shown</p>"
    )


def test_the_provider_gets_the_request_and_the_object(slot):
    seen = []
    panels.register(slot, lambda request, obj: seen.append((request.path, obj)))
    request = RequestFactory().get("/staff/cases/3/")

    _render('{% panels "test_slot" obj %}', request=request, obj=3)

    assert seen == [("/staff/cases/3/", 3)]


def test_registering_twice_shows_once_and_unregister_removes(slot):
    def provider(request, obj):
        return "<p>once</p>"

    panels.register(slot, provider)
    panels.register(slot, provider)
    assert _render('{% panels "test_slot" 1 %}', request=RequestFactory().get("/")) == "<p>once</p>"

    panels.unregister(slot, provider)
    assert _render('{% panels "test_slot" 1 %}', request=RequestFactory().get("/")) == ""


def test_an_unknown_slot_or_a_page_without_request_renders_nothing(slot):
    panels.register(slot, lambda request, obj: "<p>needs a request</p>")

    assert _render('{% panels "no_such_slot" 1 %}', request=RequestFactory().get("/")) == ""
    assert _render('{% panels "test_slot" 1 %}') == ""


def test_engagement_registers_its_sections_for_the_lower_apps_pages():
    from engagement.panels import case_referral_staff, company_commitments

    assert case_referral_staff in panels.providers("case_staff")
    assert company_commitments in panels.providers("company_staff")
    for slot in ("case_partner", "case_affiliate", "grievance_staff"):
        assert panels.providers(slot)

"""Issue 16, single sign-on: the login page's "Sign in with your organisation" and staff's
configuration pages, in English and French, on a desktop and a phone, pass axe."""

import pytest

from affiliates.models import SingleSignOn
from affiliates.sso import sso_save
from tests.affiliates.test_sso_saml import _key_and_cert
from tests.browser.steps import sign_in, violations, without_second_factor
from tests.factories import StaffFactory

SIZES = ({"width": 1280, "height": 900}, {"width": 360, "height": 740})


@pytest.mark.parametrize("language", ["en", "fr"])
def test_sso_pages_have_no_serious_wcag_violation(live_server, page, northvale, language):
    staff = StaffFactory(email="sso-staff@ewatch.example", language=language)
    oidc = sso_save(
        affiliate=northvale,
        protocol=SingleSignOn.Protocol.OIDC,
        domains=["northvale.example"],
        server_url="https://idp.northvale.example",
        client_id="ewatch",
        client_secret="secret",
    )
    saml = sso_save(
        affiliate=northvale,
        protocol=SingleSignOn.Protocol.SAML,
        domains=["agents.northvale.example"],
        idp_entity_id="https://idp.northvale.example/saml",
        sso_url="https://idp.northvale.example/sso",
        x509cert=_key_and_cert()[1],
    )
    page.set_extra_http_headers({"Accept-Language": language})
    found = []
    for size in SIZES:
        page.set_viewport_size(size)
        page.context.clear_cookies()
        found += violations(
            page, live_server.url + "/accounts/login/", impacts={"serious", "critical"}
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
    page.set_extra_http_headers({"Accept-Language": "en"})  # the steps' English labels
    with without_second_factor(staff):
        sign_in(page, live_server.url, staff.email)
        for size in SIZES:
            page.set_viewport_size(size)
            for path in (
                "/staff/sso/",
                "/staff/sso/new/",
                f"/staff/sso/{oidc.pk}/",
                f"/staff/sso/{saml.pk}/",
            ):
                found += violations(
                    page, live_server.url + path, impacts={"serious", "critical"}, page_itself=True
                )
    assert found == []

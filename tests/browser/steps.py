"""Shared steps of the browser tests."""

import io

from allauth.mfa.models import Authenticator
from axe_playwright_python.sync_playwright import Axe
from django.test import override_settings
from PIL import Image

from tests.factories import PASSWORD

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}

# axe 4.7+ no longer reports duplicate ids, yet a label whose `for` names a repeated id labels
# only the first control, leaving the other unnamed: two forms on a page rendered with
# Django's default "id_%s" and a field name in common do exactly that.
DUPLICATE_IDS = """() => {
  const seen = new Map();
  for (const el of document.querySelectorAll("[id]")) seen.set(el.id, (seen.get(el.id) || 0) + 1);
  return [...seen].filter(([, count]) => count > 1).map(([id]) => id);
}"""


def sign_in(page, base_url, email):
    """Sign in through the real login form, as a fresh visitor."""
    page.context.clear_cookies()
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


PHONE = {"width": 360, "height": 800}
PAGE_WIDER_THAN_VIEWPORT = "document.documentElement.scrollWidth > window.innerWidth"


def violations(page, url, *, impacts=None, page_itself=False, phone=True) -> list[str]:
    """Open `url` and list what axe (WCAG 2.1 A and AA) and the duplicate-id check find there,
    at the page's width and then, unless `phone=False`, at 360 px, where the page itself must
    not scroll sideways (its tables scroll inside their own boxes).

    `impacts` keeps only violations of those impacts; `page_itself` asserts the page answered
    200 at `url` itself, not after a redirect."""
    response = page.goto(url)
    if page_itself:
        assert (response.status, page.url) == (200, url)
    found = _axe(page, url, impacts)
    found += [f"{url}: duplicate id {id_}" for id_ in page.evaluate(DUPLICATE_IDS)]
    viewport = page.viewport_size
    if phone and viewport and viewport["width"] > PHONE["width"]:
        page.set_viewport_size(PHONE)
        try:
            found += [f"{note} at 360 px" for note in _axe(page, url, impacts)]
            if page.evaluate(PAGE_WIDER_THAN_VIEWPORT):
                width = page.evaluate("document.documentElement.scrollWidth")
                found.append(f"{url}: the page is {width} px wide at 360 px")
        finally:
            page.set_viewport_size(viewport)
    return found


def _axe(page, url, impacts) -> list[str]:
    results = Axe().run(page, options=WCAG)
    return [
        f"{url}: {v['id']} ({v['impact']}) {v['help']}"
        for v in results.response["violations"]
        if impacts is None or v["impact"] in impacts
    ]


def without_second_factor(*users):
    """Signing in with a second factor is tested elsewhere; here the pages themselves count.

    Deletes the users' authenticators and returns the settings override under which they may
    sign in without enrolling again (use it with `with`)."""
    Authenticator.objects.filter(user__in=users).delete()
    return override_settings(EW_MFA_REQUIRED=False)


def png_file(name, colour="green") -> dict:
    """A small PNG image, as Playwright's `set_input_files` takes an in-memory file."""
    out = io.BytesIO()
    Image.new("RGB", (16, 16), colour).save(out, format="PNG")
    return {"name": name, "mimeType": "image/png", "buffer": out.getvalue()}

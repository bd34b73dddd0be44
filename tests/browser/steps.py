"""Shared steps of the browser tests."""

import io
import json
from urllib.parse import urlsplit

from allauth.mfa.models import Authenticator
from axe_playwright_python.sync_playwright import Axe
from django.test import override_settings
from django.urls import Resolver404, resolve
from PIL import Image

from tests.factories import PASSWORD

# Only violations are read: axe then spends no time describing every node that passed.
WCAG = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}

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

AXE = Axe()

# The views (and impacts asked for) that axe has already checked at 360 px in this process.
_axed_on_a_phone: set[tuple[str, frozenset | None]] = set()


def violations(page, url, *, impacts=None, page_itself=False, phone=True) -> list[str]:
    """Open `url` and list what axe (WCAG 2.1 A and AA) and the duplicate-id check find there,
    at the page's width and then, unless `phone=False`, at 360 px, where the page itself must
    not scroll sideways (its tables scroll inside their own boxes).

    At 360 px the page's width is checked every time, axe only the first time a view is seen
    in the test process: what a narrow screen changes (the folded menu, stacked columns) is
    the view's layout, the same in every language and state of the page, which axe has
    checked at full width on each of them.

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
            seen = (_view_name(page.url), frozenset(impacts) if impacts else None)
            if seen not in _axed_on_a_phone:
                found += [f"{note} at 360 px" for note in _axe(page, url, impacts)]
                _axed_on_a_phone.add(seen)
            if page.evaluate(PAGE_WIDER_THAN_VIEWPORT):
                width = page.evaluate("document.documentElement.scrollWidth")
                found.append(f"{url}: the page is {width} px wide at 360 px")
        finally:
            page.set_viewport_size(viewport)
    return found


def _view_name(url: str) -> str:
    path = urlsplit(url).path
    try:
        return resolve(path).view_name
    except Resolver404:
        return path


def _axe(page, url, impacts) -> list[str]:
    if page.evaluate("typeof window.axe === 'undefined'"):
        page.evaluate(AXE.axe_script)  # once per document, not again for its 360 px pass
    results = page.evaluate(f"axe.run({json.dumps(WCAG)})")
    return [
        f"{url}: {v['id']} ({v['impact']}) {v['help']}"
        for v in results["violations"]
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

"""The base layout's orientation tags: the section the page is in, and "Error:" in the title
of a page whose form was submitted with errors (core/templatetags/orientation.py)."""

import re

from core.templatetags.orientation import mark_current, section_of

MENU = ["/a/nv/", "/a/nv/contracts/", "/a/nv/disclosures/", "/learn/", "/learn/events/"]


def test_section_is_the_longest_menu_address_holding_the_page():
    assert section_of("/a/nv/contracts/12/edit/", MENU) == "/a/nv/contracts/"
    assert section_of("/a/nv/", MENU) == "/a/nv/"
    assert section_of("/a/nv/members/", MENU) == "/a/nv/"
    assert section_of("/learn/events/4/", MENU) == "/learn/events/"
    assert section_of("/account/", MENU) is None
    # A folder's name that merely starts like another is not inside it.
    assert section_of("/a/nv/contracts-old/", ["/a/nv/contracts"]) is None


def test_only_the_current_sections_link_is_marked():
    html = '<li><a href="/a/nv/">D</a></li><li><a href="/a/nv/contracts/">C</a></li>'
    marked = mark_current(html, "/a/nv/contracts/3/")
    assert marked.count("aria-current") == 1
    assert '<a href="/a/nv/contracts/" aria-current="page">C</a>' in marked


def test_failed_sign_in_says_error_in_the_title_and_links_each_field(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert "<title>Sign in" in page
    assert "error-summary" not in page

    page = client.post("/accounts/login/", {"login": "", "password": ""}).content.decode()
    assert re.search(r"<title>Error: Sign in", page)
    summary = page.split('class="error-summary"')[1].split("</div>")[0]
    assert 'href="#id_login"' in summary
    assert 'href="#id_password"' in summary


def test_menu_of_a_contract_page_marks_contracts(client, northvale_officer, northvale):
    client.force_login(northvale_officer)
    page = client.get("/a/northvale/contracts/").content.decode()
    nav = page.split('class="main-nav"')[1].split("</nav>")[0]
    assert nav.count('aria-current="page"') == 1
    assert re.search(r'href="/a/northvale/contracts/" aria-current="page"', nav)


def test_account_page_marks_account_in_the_user_menu(client, northvale_officer):
    client.force_login(northvale_officer)
    page = client.get("/account/").content.decode()
    user_menu = page.split('class="user-menu"')[1].split("</div>")[0]
    assert re.search(r'href="/account/" aria-current="page"', user_menu)
    assert page.count('aria-current="page"') == 1  # nothing in the main menu
    elsewhere = client.get("/a/northvale/contracts/").content.decode()
    assert 'href="/account/" aria-current' not in elsewhere

"""English and French are complete: every message has a French translation, compiled."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.utils import translation

BASE_DIR = Path(__file__).resolve().parents[2]
CATALOGUE = BASE_DIR / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def test_french_catalogue_has_no_missing_or_fuzzy_entry():
    catalogue = polib.pofile(str(CATALOGUE))
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []


def test_compiled_catalogue_matches_the_source():
    source = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0)
        for e in polib.pofile(str(CATALOGUE)).translated_entries()
    }
    compiled = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0)
        for e in polib.mofile(str(CATALOGUE.with_suffix(".mo")))
    }
    assert source == compiled


@pytest.mark.skipif(
    shutil.which("xgettext") is None and os.environ.get("CI") != "true",
    reason="GNU gettext is not installed (apt-get install gettext)",
)
def test_every_translatable_string_in_the_code_is_in_the_catalogue(tmp_path):
    """Extract the messages again, in a copy of the project: none may lack a translation."""
    copy = tmp_path / "project"
    shutil.copytree(
        BASE_DIR,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", ".local", ".git", "node_modules", "__pycache__", "tests", "*.mo"
        ),
    )
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "fr",
            "--no-obsolete",
            "--ignore=.venv",
            "--ignore=.local",
            "--ignore=tests",
            "--ignore=benchmarks",
            "-v",
            "0",
        ],
        cwd=copy,
        check=True,
        timeout=120,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
    )
    fresh = polib.pofile(str(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po"))
    assert [e.msgid for e in fresh.untranslated_entries()] == []
    assert [e.msgid for e in fresh.fuzzy_entries()] == []


def test_french_interface_uses_the_catalogue(client, northvale_officer):
    northvale_officer.language = "fr"
    northvale_officer.save()
    client.force_login(northvale_officer)
    page = client.get("/a/northvale/").content.decode()
    assert "Vous êtes connecté·e en tant que Responsable des achats." in page
    with translation.override("fr"):
        assert translation.gettext("Members") == "Membres"

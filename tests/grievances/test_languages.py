"""Every string a worker sees is translated in each of the ten grievance languages."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import to_locale

from grievances import forms
from grievances.models import Category, ContactMethod, Status

BASE = Path(__file__).resolve().parents[2]
PUBLIC_LOCALE = BASE / "grievances" / "public_locale"
OWN_CATALOGUE = [code for code, _ in settings.GRIEVANCE_LANGUAGES if code not in {"en", "fr"}]


def _public_msgids() -> set[str]:
    ids = set()
    for template in (BASE / "grievances" / "templates" / "grievances" / "public").glob("*.html"):
        ids |= set(re.findall(r'{% translate "([^"]+)" %}', template.read_text()))
    source = (BASE / "grievances" / "public.py").read_text()
    ids |= set(re.findall(r'_\(\s*"([^"]+)"\s*\)', source))
    with translation.override("en"):
        for form_class in (forms.GrievanceForm, forms.ReceiptCodeForm, forms.MessageForm):
            for name, field in form_class.base_fields.items():
                if name == "factory" or field.widget.is_hidden:  # nothing shown
                    continue
                ids.add(str(field.label))
                if field.help_text and name != "attachments":
                    ids.add(str(field.help_text))
                if name not in {"country", "contact_method"}:
                    ids |= {str(label) for _, label in getattr(field, "choices", [])}
        ids |= {str(label) for value, label in ContactMethod.choices if value}
        ids |= {str(label) for _, label in [*Category.choices, *Status.choices]}
    return ids


@pytest.mark.parametrize("language", OWN_CATALOGUE)
def test_public_catalogue_is_complete_and_compiled(language):
    folder = PUBLIC_LOCALE / to_locale(language) / "LC_MESSAGES"
    catalogue = polib.pofile(str(folder / "django.po"))
    assert catalogue.untranslated_entries() == []
    missing = _public_msgids() - {entry.msgid for entry in catalogue}
    assert missing == set()
    compiled = {entry.msgid: entry.msgstr for entry in polib.mofile(str(folder / "django.mo"))}
    assert compiled == {entry.msgid: entry.msgstr for entry in catalogue}


def test_french_covers_the_public_pages_too():
    french = polib.pofile(str(BASE / "locale" / "fr" / "LC_MESSAGES" / "django.po"))
    translated = {entry.msgid for entry in french.translated_entries()}
    assert _public_msgids() - translated == set()


@pytest.mark.parametrize("language", [code for code, _ in settings.GRIEVANCE_LANGUAGES])
def test_every_public_page_renders_in_each_language(client, language):
    with translation.override(language):
        heading = translation.gettext("Report a problem at work")
    for path in ("/grievances/new/", "/grievances/follow-up/"):
        response = client.get(f"{path}?lang={language}")
        assert response.status_code == 200
        assert f'<html lang="{language}">' in response.content.decode()
    page = client.get("/grievances/new/").content.decode()
    assert heading in page
    if language != "en":
        assert "Report a problem at work" not in page

"""Form texts follow the language of each request, not of the one active when the form
class was defined."""

from django.utils import translation

from suppliers.forms import FactoryFilterForm


def _label_of(form, code):
    return dict(form.fields["country"].choices)[code]


def test_a_country_list_follows_the_language_of_each_request():
    with translation.override("fr"):
        french = _label_of(FactoryFilterForm(), "ZA")
    with translation.override("en"):
        english = _label_of(FactoryFilterForm(), "ZA")
    assert (french, english) == ("Afrique du Sud", "South Africa")


def test_a_file_help_text_follows_the_language_of_each_request():
    from core.uploads import EvidenceFileField
    from engagement.forms.replies import AnswerForm

    field = EvidenceFileField(max_bytes=10 * 1024 * 1024)
    with translation.override("fr"):
        french = (str(field.help_text), str(AnswerForm().fields["files"].help_text))
    with translation.override("en"):
        english = (str(field.help_text), str(AnswerForm().fields["files"].help_text))
    assert english[0] == "JPEG, PNG or WebP photos, or PDF documents, up to 10.0\xa0MB each."
    assert english[1].startswith("Up to 5 JPEG, PNG or WebP photos or PDF documents")
    assert french[0] != english[0] and "10,0" in french[0]
    assert french[1].startswith("Jusqu’à 5 photos") and "10,0" in french[1]

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


def test_quick_inputs_write_what_djangos_inputs_write():
    """core.forms.QuickTextInput and QuickCheckbox against Django's own templates: values of
    every kind (none, empty, markup, numbers, safe text, booleans), attributes true, false and
    with markup, names with markup."""
    from django import forms
    from django.utils.safestring import mark_safe

    from core.forms import QuickCheckbox, QuickTextInput

    values = [None, "", "a <b> & 'c\"", 12000, 1.5, mark_safe("<i>s</i>"), True, False, "on"]
    attrs = [
        None,
        {},
        {"id": "id_q", "required": True, "disabled": False, "maxlength": 200},
        {"class": 'a"b', "data-x": mark_safe("<i>")},
    ]
    pairs = [(forms.TextInput, QuickTextInput), (forms.CheckboxInput, QuickCheckbox)]
    for language in ("en", "fr"):
        with translation.override(language):
            for django_widget, quick in pairs:
                for value in values:
                    for attr in attrs:
                        for name in ("q", "n<&"):
                            expected = django_widget(attrs={"size": 3}).render(name, value, attr)
                            written = quick(attrs={"size": 3}).render(name, value, attr)
                            assert written == expected, (django_widget, value, attr)


def test_a_quick_select_writes_what_djangos_select_writes():
    """core.forms.QuickSelect (and its kept options) against Django's own templates: groups,
    unnamed groups, safe and unsafe labels, numbers, lazy labels, one or several selected,
    attributes; a subclass building its options otherwise is written from its context."""
    from django import forms
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext_lazy

    from core.forms import QuickCountrySelect, QuickSelect, QuickSelectMixin, country_choices

    class QuickMultiple(QuickSelectMixin, forms.SelectMultiple):
        pass

    class Marked(forms.Select):
        def create_option(self, *args, **kwargs):
            option = super().create_option(*args, **kwargs)
            option["attrs"]["data-x"] = "1"
            return option

    class QuickMarked(QuickSelectMixin, Marked):
        pass

    choices = [
        ("", "All"),
        ("a&b", "A <b> & 'c'"),
        (1, 2000),
        ("grp", [("x", "X"), ("y", mark_safe("<i>Y</i>")), (None, 3)]),
        (None, "none"),
        ("", [("z", gettext_lazy("Sector"))]),
        ("s", mark_safe("<i>S</i>")),
        ("t", "<i>S</i>"),
    ]
    cases = [
        (None, {}),
        ("a&b", {"id": "id_x", "required": True, "disabled": False, "data-q": 'a"b'}),
        ("x", {"class": "c"}),
        (["1"], {}),
        (["x", "y", "1"], {"id": "m"}),
    ]
    pairs = [(forms.Select, QuickSelect), (forms.SelectMultiple, QuickMultiple)]
    pairs.append((Marked, QuickMarked))
    for language in ("en", "fr"):
        with translation.override(language):
            for value, attrs in cases:
                for django_widget, quick in pairs:
                    for _twice in range(2):  # written, then kept
                        expected = django_widget(choices=choices).render("n<", value, attrs)
                        assert quick(choices=choices).render("n<", value, attrs) == expected
            for value in ("ZA", "", None):
                countries = country_choices("All")
                expected = forms.Select(choices=countries).render("country", value, {"id": "c"})
                written = QuickCountrySelect(choices=countries).render(
                    "country", value, {"id": "c"}
                )
                assert written == expected

"""Country lists are named in the language of each request, not of the first one."""

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

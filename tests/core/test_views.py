"""A broken business rule shows the same way on every page (core.views.show_domain_error)."""

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from core.errors import DomainError
from core.views import show_domain_error


class _ContractForm(forms.Form):
    reference = forms.CharField()
    new_contractor = forms.CharField(required=False)
    file = forms.FileField(required=False)


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _bound_form():
    form = _ContractForm({"reference": "R-1"})
    assert form.is_valid()
    return form


def test_an_error_naming_a_field_of_the_form_shows_on_that_field():
    form = _bound_form()
    show_domain_error(_request(), DomainError("Taken.", field="reference"), form)
    assert form.errors == {"reference": ["Taken."]}


def test_an_alias_maps_the_services_name_of_a_field_to_the_forms():
    form = _bound_form()
    error = DomainError("Unknown company.", field="contractor_name")
    show_domain_error(_request(), error, form, aliases={"contractor_name": "new_contractor"})
    assert form.errors == {"new_contractor": ["Unknown company."]}


def test_an_error_naming_no_field_of_the_form_goes_to_the_default_field_or_the_whole_form():
    on_file, whole = _bound_form(), _bound_form()
    show_domain_error(_request(), DomainError("Empty sheet."), on_file, default_field="file")
    show_domain_error(_request(), DomainError("Closed.", field="status"), whole)
    assert on_file.errors == {"file": ["Empty sheet."]}
    assert whole.non_field_errors() == ["Closed."]


def test_on_a_page_without_a_form_the_error_is_a_page_message():
    request = _request()
    show_domain_error(request, DomainError("This case is closed."))
    assert [str(m) for m in get_messages(request)] == ["This case is closed."]

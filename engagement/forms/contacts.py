"""Staff's invitation of a company contact."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class ContactInviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        choices=settings.LANGUAGES,
        initial=settings.LANGUAGE_CODE,
        help_text=_("The invitation e-mail is written in this language; so is the new account."),
    )

"""The one way an e-mail is rendered: subject and text are not HTML, so nothing in them is
HTML-escaped ("O'Brien & <Co>" stays as typed); the HTML part is escaped as every page is.

The outbox (`core.outbox`), the e-mails that carry a secret link and are sent at once, and
allauth's account e-mails (`affiliates.adapters`) all render through `render_email`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.mail import EmailMultiAlternatives
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import translation


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render_plain(template_name: str, context: dict) -> str:
    """A subject or plain-text body, rendered with autoescaping off."""
    template = get_template(template_name).template
    return template.render(Context(context, autoescape=False))


def render_email(
    *,
    subject_template: str,
    text_template: str,
    html_template: str | None,
    context: dict,
    language: str | None = None,
) -> RenderedEmail:
    """Render the three parts in `language` (the active one when None). The subject is one
    line; a missing HTML template gives a text-only e-mail."""
    with translation.override(language or translation.get_language()):
        subject = " ".join(render_plain(subject_template, context).split())
        text = render_plain(text_template, context)
        html = ""
        if html_template:
            try:
                html = render_to_string(html_template, context)
            except TemplateDoesNotExist:
                html = ""
    return RenderedEmail(subject=subject, text=text, html=html)


def render_templates(template_prefix: str, context: dict, language: str) -> RenderedEmail:
    """Our own e-mails: `<prefix>_subject.txt`, `<prefix>.txt` and `<prefix>.html`."""
    return render_email(
        subject_template=f"{template_prefix}_subject.txt",
        text_template=f"{template_prefix}.txt",
        html_template=f"{template_prefix}.html",
        context=context,
        language=language,
    )


def as_message(email: RenderedEmail, *, to: list[str], from_email: str | None = None, **kwargs):
    message = EmailMultiAlternatives(email.subject, email.text, from_email, to, **kwargs)
    if email.html:
        message.attach_alternative(email.html, "text/html")
    return message


def send_now(*, to: str, template_prefix: str, context: dict, language: str) -> None:
    """Send at once, outside the outbox: for e-mails whose link holds a secret token, which
    must never rest in the outbox table or the broker."""
    as_message(render_templates(template_prefix, context, language), to=[to]).send()

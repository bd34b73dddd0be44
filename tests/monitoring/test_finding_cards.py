"""The affiliate findings list's cards written in Python (monitoring/templatetags/
finding_cards.py) show what monitoring/includes/published_finding.html shows, in English and
French, with and without the factory, every optional fact and the companies' answers."""

import re

import pytest
from django.template import engines
from django.utils import timezone, translation

from monitoring.models import Finding
from tests.factories import FactoryFactory, published_finding, shared_finding

pytestmark = pytest.mark.django_db


def _normalised(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


def _findings():
    plain = published_finding(
        FactoryFactory(name="Ateliers d'Été & <Co>"),
        published_text="Line one <b>\nline & two",
        workers_affected=3,
        ilo_indicators=[],
    )
    full = published_finding(
        fast_track=True,
        workers_affected=None,
        youngest_age_observed=14,
        child_labour=["under_minimum_age"],
        trafficking_acts=["recruitment"],
        trafficking_purposes=["forced_labour"],
        ilo_indicators=["documents", "vulnerability"],
    )
    answered = shared_finding(
        finding=full, answered_at=timezone.now(), answer="We <returned> them.\nAll & more."
    )
    lapsed = shared_finding(finding=full)  # another company, no answer
    findings = list(
        Finding.objects.filter(pk__in=[plain.pk, full.pk]).with_display_relations().order_by("pk")
    )
    findings[0].published_replies = []
    findings[1].published_replies = [answered, lapsed]
    return findings


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("show_factory", [True, False])
def test_the_cards_are_the_includes(language, show_factory):
    findings = _findings()
    django = engines["django"]
    context = {"affiliate": {"slug": "northvale"}, "show_factory": show_factory}
    include = (
        '{% for finding in findings %}{% include "monitoring/includes/published_finding.html" '
        "with show_factory=show_factory %}{% endfor %}"
    )
    tag = "{% load finding_cards %}{% finding_cards findings show_factory affiliate.slug %}"
    with translation.override(language):
        before = django.from_string(include).render({**context, "findings": findings})
        after = django.from_string(tag).render({**context, "findings": findings})
    assert _normalised(after) == _normalised(before)
    assert "We &lt;returned&gt; them.<br>All &amp; more." in after
    assert ("Ateliers d&#x27;Été &amp; &lt;Co&gt;" in after) is show_factory

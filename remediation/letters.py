"""The pre-filled letter an affiliate sends its contractor about a case, as a PDF.

Built only from what a joined affiliate may read: the case summary, its published findings,
the plan, and the affiliate's own contract. No internal or partner entry, no grievance.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation

from affiliates.reader import Reader
from core.pdf import render_pdf
from monitoring.models import Finding

from .models import RemediationAction


def letter_context(*, case, reader: Reader, contract) -> dict:
    """What the letter says, read as `reader` (a member of a joined affiliate), who signs it."""
    return {
        "case": case,
        "affiliate": reader.affiliate,
        "contract": contract,
        "contractor": contract.contractor if contract else None,
        "findings": list(
            Finding.objects.visible_to(reader)
            .filter(remediation_cases=case)
            .select_related("standard")
        ),
        "actions": list(
            RemediationAction.objects.visible_to(reader)
            .filter(case=case)
            .order_by("due_date", "pk")
        ),
        "companies": list(case.companies.select_related("supplier")),
        "signatory": reader.user,
        "today": timezone.localdate(),
    }


def letter_render(*, case, reader: Reader, contract, language: str | None = None) -> bytes:
    with translation.override(language or translation.get_language()):
        html = render_to_string(
            "remediation/letter.html",
            {
                **letter_context(case=case, reader=reader, contract=contract),
                "LANGUAGE_CODE": translation.get_language(),
            },
        )
    return render_pdf(html)

"""The pre-filled letter an affiliate sends its contractor about a case, as a PDF.

Built only from what a joined affiliate may read: the case summary, its published findings,
the plan, and the affiliate's own contract. No internal or partner entry, no grievance.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.pdf import render_pdf
from monitoring.models import Finding


def letter_context(*, case, affiliate, contract, user) -> dict:
    return {
        "case": case,
        "affiliate": affiliate,
        "contract": contract,
        "contractor": contract.contractor if contract else None,
        "findings": list(
            Finding.objects.published_for_affiliate(affiliate)
            .filter(remediation_cases=case)
            .select_related("standard")
        ),
        "actions": list(case.actions.order_by("due_date", "pk")),
        "companies": list(case.companies.select_related("supplier")),
        "signatory": user,
        "today": timezone.localdate(),
    }


def letter_render(*, case, affiliate, contract, user, language: str | None = None) -> bytes:
    with translation.override(language or translation.get_language()):
        html = render_to_string(
            "remediation/letter.html",
            {
                **letter_context(case=case, affiliate=affiliate, contract=contract, user=user),
                "LANGUAGE_CODE": translation.get_language(),
            },
        )
    return render_pdf(html)

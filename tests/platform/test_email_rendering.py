"""Plain-text parts and subjects of e-mails are not HTML: they keep what people typed."""

from datetime import date
from types import SimpleNamespace

from core.outbox import Message, render


def test_plain_text_and_subject_are_not_html_escaped_but_the_html_part_is():
    affiliate = SimpleNamespace(name="O'Brien & Co <Council>")
    report = SimpleNamespace(
        period_start=date(2025, 1, 1), period_end=date(2025, 12, 31), sha256="ab" * 32
    )
    row = render(
        Message(
            key="k",
            recipient="admin@example.org",
            template_prefix="reports/email/compliance_report_ready",
            context={"affiliate": affiliate, "report": report, "link": "https://x/r/1/"},
            language="en",
        )
    )
    assert "O'Brien & Co <Council>" in row.subject
    assert "O'Brien & Co <Council>" in row.body_text
    assert "O&#x27;Brien &amp; Co &lt;Council&gt;" in row.body_html

"""Remediation pages, one module per audience: `staff`, `partner` (the lead monitoring
partner), `affiliate`, and `shared` (what staff and the lead partner both post to).

Which cases, entries and files each audience reads is decided in `remediation.querysets`;
a view picks the queryset for its audience and calls one service.
"""

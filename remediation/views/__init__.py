"""Remediation pages, one module per audience: `staff`, `partner` (the lead monitoring
partner), `affiliate`, and `shared` (what staff and the lead partner both post to).

Which cases, entries and files a page shows comes from `visible_to(self.reader)` in
`remediation.querysets`; a view picks its template and forms, and calls one service.
"""

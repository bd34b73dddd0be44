"""What every company-portal API view shares: company contacts only, everyone else 404."""

from rest_framework.exceptions import NotFound

from affiliates.tenancy import ReaderAPIMixin, log_denied


class CompanyAPIMixin(ReaderAPIMixin):
    """For `/api/v1/company/...`: the caller must be a company contact (`self.company_id` is
    its company); anyone else is told the resource does not exist.

    Viewsets over a model that is also tenant-owned (a disclosure, a finding) name it in
    `company_model` rather than `queryset`: the tenant isolation walker would otherwise
    expect an affiliate member to list its own rows there. The company walker
    (tests/engagement/test_company_isolation.py) reads `company_model` first."""

    company_model = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not self.reader.is_company:
            log_denied(request, "company api")
            raise NotFound
        self.company_id = self.reader.company_id

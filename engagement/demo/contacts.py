"""Demo company contacts: one for the brand "Acme Devices" and one for the contractor
"Northern IT" (both made by `suppliers.demo`), with the demo password and a verified e-mail.

Like the partner's demo account, they have no second factor: demo mode does not enforce it
(`EW_MFA_REQUIRED` is off), everywhere else they enrol on their first sign-in.
Idempotent: accounts by e-mail, contacts by user.
"""

from affiliates.demo import demo_user
from suppliers.models import Supplier

from ..models import CompanyContact

# (e-mail, full name, job title, company)
CONTACTS = [
    ("brand@acme-devices.example", "Jordan Lee", "Responsible sourcing manager", "Acme Devices"),
    (
        "contractor@northern-it.example",
        "Priya Shah",
        "Public sector bid and compliance manager",
        "Northern IT",
    ),
]


def seed(*, users, **context) -> dict:
    """Returns `users` with the contacts added, and `company_contacts` by e-mail."""
    staff = users.get("staff@ewatch.example")
    users, contacts = dict(users), {}
    for email, full_name, job_title, company_name in CONTACTS:
        company = Supplier.objects.get(name=company_name)
        user = demo_user(email, full_name=full_name)
        contact, created = CompanyContact.objects.get_or_create(
            user=user,
            defaults={"company": company, "job_title": job_title, "invited_by": staff},
        )
        if not created and (contact.company_id, contact.job_title) != (company.pk, job_title):
            contact.company, contact.job_title = company, job_title
            contact.save(update_fields=["company", "job_title"])
        users[email] = user
        contacts[email] = contact
    return {"users": users, "company_contacts": contacts}

"""How industry engagement follows what the apps below it announce."""

from django.dispatch import receiver

from monitoring.signals import rights_of_reply_shared


@receiver(rights_of_reply_shared, dispatch_uid="engagement-tell-companies-of-shared-findings")
def tell_companies_of_shared_findings(sender, *, rights, **kwargs):
    """Findings shared for reply: each company's contacts are e-mailed (after commit)."""
    from .services.replies import notify_shared

    notify_shared(rights)

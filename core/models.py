"""Models that know no domain: the e-mail outbox and the reminder ledger."""

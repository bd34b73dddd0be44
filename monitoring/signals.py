"""What monitoring announces to the apps above it, without knowing them."""

from django.dispatch import Signal

# Sent inside `replies.share_for_reply`'s transaction with `rights` (the new RightOfReply
# rows): the company portal (`engagement`) tells each company's contacts.
rights_of_reply_shared = Signal()

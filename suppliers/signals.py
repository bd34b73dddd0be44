"""What the supply-chain registry announces to the apps above it, without knowing them."""

from django.dispatch import Signal

# Sent inside factory_merge's transaction, with `source` (the duplicate, now merged) and
# `target` (the site it is the same as): apps whose rows belong to a site move them too.
factory_merged = Signal()

"""What the supply-chain registry announces to the apps above it, without knowing them."""

from django.dispatch import Signal

# Sent inside factory_merge's transaction, with `source` (the duplicate, now merged) and
# `target` (the site it is the same as): apps whose rows belong to a site move them too, and
# answer `{model_label: [pks]}` (label_lower) of the rows whose `factory` they moved; the
# merge records them, and `factory_unmerge` points exactly those rows back at `source`.
factory_merged = Signal()

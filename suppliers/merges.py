"""Factory de-duplication: staff merge two records of one site, and can undo the merge.

A merge moves every row that points at the duplicate (`source`) to the record kept
(`target`) and writes down exactly what it moved in a `FactoryMerge`: the disclosure lines,
the supplier links (or, when the target already had the same fact from the same source, the
deleted link itself), the rows of the apps above that follow the site (each receiver of
`factory_merged` answers `{model_label: [pks]}`), the records merged earlier into the
source, the reviews it closed, the names it added as aliases and the OS ID it moved. The undo
(`factory_unmerge`) puts back exactly that, and nothing that arrived on the target since.
"""

from __future__ import annotations

import logging
from datetime import date

from django.apps import apps
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from core.errors import DomainError

from .models import (
    DisclosureLine,
    Factory,
    FactoryMatchReview,
    FactoryMerge,
    Supplier,
    SupplierFactory,
)
from .signals import factory_merged

audit_log = logging.getLogger("ew.audit")

# The field through which rows of a model point at a site; `factory` unless named here.
_POINTER = {Factory._meta.label_lower: "merged_into"}
_LINK_FIELDS = ("supplier_id", "products", "source", "source_reference", "created_by_id")


def _pointer(label: str) -> str:
    return _POINTER.get(label, "factory")


def _lock(pk: int) -> Factory:
    return Factory.objects.select_for_update().get(pk=pk)


def factory_merge(
    *, source: Factory, target: Factory, by, review: FactoryMatchReview | None = None
) -> Factory:
    """`source` is the same site as `target`: move every link to `target`, keep `source` as
    history (merged_into), remember its name as an alias, and record what moved (for undo)."""
    if source.pk == target.pk:
        raise DomainError(_("A factory cannot be merged into itself."))
    with transaction.atomic(), scopes_disabled():
        source, target = _lock(source.pk), _lock(target.pk)
        if source.merged_into_id or target.merged_into_id:
            raise DomainError(_("One of these factories was already merged."))
        moved: dict[str, list[int]] = {}
        lines = list(DisclosureLine.objects.filter(factory=source).values_list("pk", flat=True))
        DisclosureLine.objects.filter(pk__in=lines).update(factory=target)
        moved[DisclosureLine._meta.label_lower] = lines
        # The apps above (monitoring) move their rows of the site in the same transaction and
        # answer which ones.
        responses = factory_merged.send(sender=Factory, source=source, target=target)
        for _receiver, response in responses:
            for label, pks in (response or {}).items():
                moved.setdefault(label, []).extend(pks)
        moved[SupplierFactory._meta.label_lower], removed_links = _move_supplier_links(
            source, target
        )
        earlier = list(Factory.objects.filter(merged_into=source).values_list("pk", flat=True))
        Factory.objects.filter(pk__in=earlier).update(merged_into=target)
        moved[Factory._meta.label_lower] = earlier
        now = timezone.now()
        closed = FactoryMatchReview.objects.filter(
            Q(factory=source) | Q(candidate=source), decision=FactoryMatchReview.Decision.PENDING
        ).exclude(factory=source, candidate=target)
        reviews_closed = list(closed.values_list("pk", flat=True))
        FactoryMatchReview.objects.filter(pk__in=reviews_closed).update(
            decision=FactoryMatchReview.Decision.DIFFERENT, decided_by=by, decided_at=now
        )
        aliases_added = []
        for alias in [source.name, *source.aliases]:
            if alias.casefold() not in {a.casefold() for a in [target.name, *target.aliases]}:
                target.aliases.append(alias)
                aliases_added.append(alias)
        os_id_moved = bool(not target.os_id and source.os_id)
        if os_id_moved:
            target.os_id, source.os_id = source.os_id, ""
        source.merged_into = target
        source.merged_at = now
        source.save()
        target.save()
        FactoryMerge.objects.create(
            source=source,
            target=target,
            review=review,
            moved={label: pks for label, pks in moved.items() if pks},
            removed_links=removed_links,
            reviews_closed=reviews_closed,
            aliases_added=aliases_added,
            os_id_moved=os_id_moved,
            merged_by=by,
            merged_at=now,
        )
    audit_log.info("factories merged: source=%s target=%s by=%s", source.pk, target.pk, by.pk)
    return target


def _move_supplier_links(source: Factory, target: Factory) -> tuple[list[int], list[dict]]:
    """Move the source's supplier links; one the target already has (same company, same
    source) is deleted, and kept whole in the answer so that an undo can recreate it."""
    known = set(SupplierFactory.objects.filter(factory=target).values_list("supplier_id", "source"))
    moved, removed = [], []
    for link in SupplierFactory.objects.filter(factory=source).order_by("pk"):
        if (link.supplier_id, link.source) in known:
            removed.append(
                {
                    "pk": link.pk,
                    **{field: getattr(link, field) for field in _LINK_FIELDS},
                    "first_seen": link.first_seen.isoformat(),
                    "last_seen": link.last_seen.isoformat(),
                }
            )
        else:
            moved.append(link.pk)
    SupplierFactory.objects.filter(pk__in=[link["pk"] for link in removed]).delete()
    SupplierFactory.objects.filter(pk__in=moved).update(factory=target)
    return moved, removed


def factory_unmerge(*, merge: FactoryMerge, by) -> FactoryMerge:
    """Undo a merge: both records as they were, every row it moved back on the source, and
    the pair recorded as two different sites, so that the matcher never proposes it again.

    Refused when already undone, or while a later merge of either record is in force (undo
    that one first: its rows would otherwise be left on the wrong record)."""
    with transaction.atomic(), scopes_disabled():
        merge = FactoryMerge.objects.select_for_update().get(pk=merge.pk)
        if merge.undone_at is not None:
            raise DomainError(_("This merge was already undone."))
        source, target = _lock(merge.source_id), _lock(merge.target_id)
        later = (
            FactoryMerge.objects.filter(pk__gt=merge.pk, undone_at__isnull=True)
            .filter(Q(source__in=[source, target]) | Q(target__in=[source, target]))
            .select_related("source", "target")
            .order_by("-pk")
            .first()
        )
        if later is not None:
            raise DomainError(
                _(
                    "“%(source)s” was merged into “%(target)s” after this merge, and that merge"
                    " is still in force: undo it first."
                )
                % {"source": later.source.name, "target": later.target.name}
            )
        if source.merged_into_id != target.pk:
            raise DomainError(
                _("“%(source)s” is no longer merged into “%(target)s”: nothing to undo.")
                % {"source": source.name, "target": target.name}
            )
        for label, pks in merge.moved.items():
            field = _pointer(label)
            apps.get_model(label)._base_manager.filter(pk__in=pks, **{field: target}).update(
                **{field: source}
            )
        _recreate_links(merge.removed_links, source)
        target.aliases = [alias for alias in target.aliases if alias not in merge.aliases_added]
        if merge.os_id_moved and target.os_id and not source.os_id:
            source.os_id, target.os_id = target.os_id, ""
        source.merged_into = None
        source.merged_at = None
        target.save()  # first: it gives the OS ID back, which is unique
        source.save()
        now = timezone.now()
        Decision = FactoryMatchReview.Decision
        FactoryMatchReview.objects.filter(
            pk__in=merge.reviews_closed,
            decision=Decision.DIFFERENT,
            factory__merged_into__isnull=True,
            candidate__merged_into__isnull=True,
        ).update(decision=Decision.PENDING, decided_by=None, decided_at=None)
        pair = FactoryMatchReview.objects.filter(
            Q(factory=source, candidate=target) | Q(factory=target, candidate=source)
        )
        if not pair.update(decision=Decision.DIFFERENT, decided_by=by, decided_at=now):
            FactoryMatchReview.objects.create(
                factory=source,
                candidate=target,
                score=0,
                decision=Decision.DIFFERENT,
                decided_by=by,
                decided_at=now,
            )
        merge.undone_by = by
        merge.undone_at = now
        merge.save(update_fields=["undone_by", "undone_at"])
    audit_log.info(
        "factories unmerged: merge=%s source=%s target=%s by=%s",
        merge.pk,
        source.pk,
        target.pk,
        by.pk,
    )
    return merge


def _recreate_links(removed: list[dict], source: Factory) -> None:
    """The supplier links deleted by the merge, again on the source, under their own ids (the
    audit trail follows them); those whose company has been deleted since stay gone."""
    alive = set(
        Supplier.objects.filter(pk__in=[link["supplier_id"] for link in removed]).values_list(
            "pk", flat=True
        )
    )
    SupplierFactory.objects.bulk_create(
        [
            SupplierFactory(
                pk=link["pk"],
                factory=source,
                first_seen=date.fromisoformat(link["first_seen"]),
                last_seen=date.fromisoformat(link["last_seen"]),
                **{field: link[field] for field in _LINK_FIELDS},
            )
            for link in removed
            if link["supplier_id"] in alive
        ],
        ignore_conflicts=True,
    )


def match_review_decide(*, review: FactoryMatchReview, same: bool, by) -> FactoryMatchReview:
    """Staff's answer to a queued pair: same site (merged now) or different (kept apart for
    good: the matcher never queues a pair decided different again)."""
    with transaction.atomic():
        review = FactoryMatchReview.objects.select_for_update().get(pk=review.pk)
        if review.decision != FactoryMatchReview.Decision.PENDING:
            raise DomainError(_("This pair was already reviewed."))
        if same:
            factory_merge(source=review.factory, target=review.candidate, by=by, review=review)
        review.decision = (
            FactoryMatchReview.Decision.SAME if same else FactoryMatchReview.Decision.DIFFERENT
        )
        review.decided_by = by
        review.decided_at = timezone.now()
        review.save()
    audit_log.info(
        "match review decided: review=%s decision=%s by=%s", review.pk, review.decision, by.pk
    )
    return review

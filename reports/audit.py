"""Pages of the audit trail (core/audit.py): staff browse it per object and per user, an
affiliate's admins the trail of their affiliate's own objects.

One query for a page of events (pghistory's aggregate with its diff), one to count them, one
for the users named and one per kind of row the page's foreign keys point at (shown by name,
with a link to that row's own trail, when the reader may see it); encrypted columns show as
"changed", never a value.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, models
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext_lazy
from django_scopes import scopes_disabled

from affiliates.mixins import AffiliateViewMixin, StaffRequiredMixin
from affiliates.models import Affiliate, Invitation, Membership, User
from core import audit
from core.exports import Column, ExportMixin
from core.models import AuditEvents
from core.views import ListView
from learning.models import Answer, Assessment, Screening
from remediation.models import Engagement, Participation
from suppliers.models import ChecklistItem, Contract, Disclosure, DisclosureLine

from .models import ComplianceReport

# The tracked rows an affiliate's admins see the trail of: the affiliate's own records (each
# has an `affiliate` column, copied into its events, which is how they are found).
AFFILIATE_MODELS = (
    Affiliate,
    Membership,
    Invitation,
    Contract,
    ChecklistItem,
    Disclosure,
    DisclosureLine,
    ComplianceReport,
    Participation,
    Engagement,
    Screening,
    Assessment,
    Answer,
)

# Events of one transaction share their time and event ids repeat across tables: the model
# makes the order total, so that pages neither repeat nor skip an event.
NEWEST_FIRST = ("-pgh_created_at", "-pgh_id", "pgh_model")

ACTIONS = {
    "insert": pgettext_lazy("audit trail action", "created"),
    "update": pgettext_lazy("audit trail action", "changed"),
    "delete": pgettext_lazy("audit trail action", "deleted"),
}


@dataclass
class Change:
    label: str
    old: str = ""
    new: str = ""
    hidden: bool = False  # an encrypted column: that it changed, never its value


@dataclass
class Row:
    event: AuditEvents
    model_label: str
    action: str
    who: str
    via: str
    changes: list[Change] = field(default_factory=list)


def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _value(model_field, value) -> str:
    if value is None or value == "":
        return "—"
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _items(event, model) -> list[tuple]:
    """(model field or None, column, old, new) of what the event recorded."""
    if event.pgh_label.endswith(audit.CHANGED_SUFFIX) or event.pgh_label == "delete":
        return []
    by_column = {f.column: f for f in model._meta.concrete_fields} if model else {}
    if event.pgh_label == "update" and event.pgh_diff:
        items = [(column, old, new) for column, (old, new) in event.pgh_diff.items()]
    else:  # a creation, or the first recorded change: the values recorded
        items = [
            (column, None, value)
            for column, value in (event.pgh_data or {}).items()
            if value not in (None, "", [], {})
        ]
    return [(by_column.get(column), column, old, new) for column, old, new in items]


def _is_reference(model_field) -> bool:
    return isinstance(model_field, models.ForeignKey)


def _changes(event, model, references) -> list[Change]:
    if event.pgh_label.endswith(audit.CHANGED_SUFFIX):
        name = event.pgh_label.removesuffix(audit.CHANGED_SUFFIX)
        verbose = model._meta.get_field(name).verbose_name if model else name
        return [Change(str(verbose), hidden=True)]
    created = not (event.pgh_label == "update" and event.pgh_diff)
    changes = []
    for model_field, column, old, new in _items(event, model):
        label = str(model_field.verbose_name) if model_field else column
        if _is_reference(model_field):
            target = model_field.related_model
            old, new = (
                "—" if v is None else references.get((target, v), f"#{v}") for v in (old, new)
            )
        else:
            old, new = _value(model_field, old), _value(model_field, new)
        changes.append(Change(label, "" if created else old, new))
    return changes


def referenced(rows) -> dict:
    """{model: {pk, ...}} of the rows the events' foreign keys point at."""
    wanted = defaultdict(set)
    for event, model in rows:
        for model_field, _column, old, new in _items(event, model):
            if _is_reference(model_field):
                wanted[model_field.related_model] |= {v for v in (old, new) if v is not None}
    return wanted


class _NeedsQuery(Exception):
    pass


def _refuse_queries(*args):
    raise _NeedsQuery


def label_of(obj) -> str:
    """`str(obj)`, unless that would cost a query (a `__str__` that follows a relation, once
    per row): then its kind and number."""
    try:
        with connection.execute_wrapper(_refuse_queries):
            return str(obj)
    except _NeedsQuery:
        return f"{obj._meta.verbose_name} #{obj.pk}"


def _link(text, url):
    return format_html('<a href="{}">{}</a>', url, text) if url else text


def _rows(events, name_of, references) -> list[Row]:
    rows = []
    for event in events:
        model = _model(event.pgh_obj_model)
        context = event.pgh_context or {}
        if context.get("task"):
            via = _("task %(name)s") % {"name": context["task"]}
        elif context.get("command"):
            via = _("command %(name)s") % {"name": context["command"]}
        elif context.get("url"):
            via = f"{context.get('method') or ''} {context['url']}".strip()
        else:
            via = _("directly in the database")
        action = event.pgh_label
        rows.append(
            Row(
                event=event,
                model_label=str(model._meta.verbose_name) if model else event.pgh_obj_model,
                action=str(ACTIONS.get(action, _("changed"))),
                who=name_of(event.user_id),
                via=via,
                changes=_changes(event, model, references),
            )
        )
    return rows


class _TrailView(ExportMixin, ListView):
    export_columns = [
        Column(_l("When"), "pgh_created_at"),
        Column(_l("Change"), "pgh_label"),
        Column(_l("Record"), "pgh_obj_model"),
        Column(_l("Record number"), "pgh_obj_id"),
    ]

    template_name = "reports/audit/trail.html"
    context_object_name = "events"
    paginate_by = 50

    def name_of(self, users: dict, user_id) -> str:
        if user_id is None:
            return _("the platform")
        user = users.get(user_id)
        return str(user) if user else _("a deleted account")

    def references(self, wanted: dict, users: dict) -> dict:
        """{(model, pk): label or link} for the rows the page's foreign keys point at, one query
        per model. Staff read every row, deleted ones as "#17 (deleted)", each linked to its
        own trail."""
        found = {}
        for model, pks in wanted.items():
            if model is User:
                rows = users
            else:
                # Joined, so that a `__str__` naming a parent ("Disclosure for <contract>")
                # costs no query per row.
                parents = [f.name for f in model._meta.concrete_fields if f.many_to_one]
                with scopes_disabled():
                    rows = model._base_manager.select_related(*parents).in_bulk(pks)
            tracked = audit.is_tracked(model)
            for pk in pks:
                obj = rows.get(pk)
                if model is User:
                    url = reverse("reports:staff_audit_user", kwargs={"pk": pk})
                elif tracked:
                    url = reverse(
                        "reports:staff_audit_object",
                        kwargs={
                            "app_label": model._meta.app_label,
                            "model_name": model._meta.model_name,
                            "pk": pk,
                        },
                    )
                else:
                    url = ""
                if obj is None:
                    text = _("#%(pk)s (deleted)") % {"pk": pk}
                    url = url if tracked else ""
                else:
                    text = label_of(obj)
                found[model, pk] = _link(text, url)
        return found

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = list(context["events"])
        models_of = [(event, _model(event.pgh_obj_model)) for event in page]
        wanted = referenced(models_of)
        ids = {e.user_id for e in page if e.user_id is not None} | wanted.get(User, set())
        users = User.objects.in_bulk(ids) if ids else {}
        references = self.references(wanted, users)
        context["rows"] = _rows(page, lambda user_id: self.name_of(users, user_id), references)
        context["title"] = self.title
        return context


def _tracked_model_or_404(app_label: str, model_name: str):
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        raise Http404 from None
    if not audit.is_tracked(model):
        raise Http404
    return model


class StaffObjectTrailView(StaffRequiredMixin, _TrailView):
    """`/staff/audit/<app_label>/<model>/<pk>/`: every change of one row, deleted or not."""

    def get_queryset(self):
        model = _tracked_model_or_404(self.kwargs["app_label"], self.kwargs["model_name"])
        self.model_class = model
        with scopes_disabled():
            self.object = model._base_manager.filter(pk=self.kwargs["pk"]).first()
        self.title = _("Changes of %(what)s") % {
            "what": self.object
            if self.object is not None
            else f"{model._meta.verbose_name} #{self.kwargs['pk']}"
        }
        return AuditEvents.objects.tracks(model(pk=self.kwargs["pk"])).order_by(*NEWEST_FIRST)


class StaffUserTrailView(StaffRequiredMixin, _TrailView):
    """`/staff/audit/users/<pk>/`: every change a user made, across the platform."""

    def get_queryset(self):
        user = User.objects.filter(pk=self.kwargs["pk"]).first()
        if user is None:
            raise Http404
        self.title = _("Changes made by %(user)s") % {"user": user}
        return (
            AuditEvents.objects.across(*[audit.event_model_for(m) for m in audit.tracked_models()])
            .made_by(user.pk)
            .order_by(*NEWEST_FIRST)
        )


class AffiliateTrailView(AffiliateViewMixin, _TrailView):
    """`/a/<slug>/audit/`: the trail of the affiliate's own records, for its admins."""

    allowed_roles = Membership.ADMIN_ONLY

    def name_of(self, users: dict, user_id) -> str:
        user = users.get(user_id)
        if user is not None and user.is_staff:
            return _("Electronics Watch staff")
        if user is not None and user.pk in self.member_ids:
            return str(user)
        return _("the platform") if user_id is None else _("another user")

    def get_context_data(self, **kwargs):
        self.member_ids = set(
            Membership.objects.filter(affiliate=self.affiliate).values_list("user_id", flat=True)
        )
        return super().get_context_data(**kwargs)

    def references(self, wanted: dict, users: dict) -> dict:
        """Only what the admin may read: the members (and staff, as such), the affiliate's own
        records (linked to their trail here) and the shared rows its reader sees; anything
        else, deleted or not, stays a number."""
        found = {}
        for model, pks in wanted.items():
            url = None
            if model is User:
                rows = {pk: self.name_of(users, pk) for pk in pks}
            elif model is Affiliate:
                rows = {self.affiliate.pk: self.affiliate} if self.affiliate.pk in pks else {}
                url = "reports:audit_object"
            elif model in AFFILIATE_MODELS:
                with scopes_disabled():
                    rows = model._base_manager.filter(affiliate=self.affiliate).in_bulk(pks)
                url = "reports:audit_object"
            elif hasattr(model._default_manager, "visible_to"):
                rows = model._default_manager.visible_to(self.reader).filter(pk__in=pks)
                rows = {obj.pk: obj for obj in rows}
            else:
                rows = {}
            for pk in pks:
                obj = rows.get(pk)
                if obj is None:
                    found[model, pk] = f"#{pk}"
                    continue
                link = url and reverse(
                    url,
                    kwargs={
                        "affiliate_slug": self.affiliate.slug,
                        "app_label": model._meta.app_label,
                        "model_name": model._meta.model_name,
                        "pk": pk,
                    },
                )
                found[model, pk] = _link(obj if isinstance(obj, str) else label_of(obj), link)
        return found

    def event_models(self):
        return [audit.event_model_for(m) for m in AFFILIATE_MODELS]

    def get_queryset(self):
        self.title = _("Changes to your affiliate's records")
        return (
            AuditEvents.objects.across(*self.event_models())
            .references(self.affiliate)
            .order_by(*NEWEST_FIRST)
        )


class AffiliateObjectTrailView(AffiliateTrailView):
    """`/a/<slug>/audit/<app_label>/<model>/<pk>/`: one of the affiliate's own records; another
    affiliate's record, or one it has no trail of, is a 404."""

    def get_queryset(self):
        model = _tracked_model_or_404(self.kwargs["app_label"], self.kwargs["model_name"])
        if model not in AFFILIATE_MODELS:
            raise Http404
        pk = self.kwargs["pk"]
        events = AuditEvents.objects.tracks(model(pk=pk)).order_by(*NEWEST_FIRST)
        if model is Affiliate:
            if pk != self.affiliate.pk:
                raise Http404
        else:
            events = events.filter(pgh_data__affiliate_id=self.affiliate.pk)
        if not events.exists():
            raise Http404
        self.title = _("Changes of %(what)s") % {"what": f"{model._meta.verbose_name} #{pk}"}
        return events

"""The guidance library's pages under /learn/: every signed-in member searches and reads the
published resources, downloads their files, compares versions and keeps bookmarks; EW staff
also see drafts and write (other users get a 404 on the writing pages, as on every staff
page). The rules are in `learning.services.library`."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView

from affiliates.mixins import ReaderMixin, StaffRequiredMixin
from affiliates.tenancy import ACTIVE_AFFILIATE_SESSION_KEY
from core.confirm import Confirmation, ConfirmedActionMixin
from core.errors import DomainError
from core.exports import Column, ExportMixin, fields
from core.markdown import render_markdown
from core.uploads import file_download
from core.views import ListView, ServiceActionMixin, show_domain_error

from ..forms.library import ResourceForm, SearchForm, TopicForm, VersionForm
from ..models import (
    Bookmark,
    ProcurementStage,
    Resource,
    ResourceLanguage,
    ResourceVersion,
    Topic,
)
from ..services import library as services
from ..services.library import Filters
from ..services.library_diff import version_diff
from ..services.usage import resource_use_record
from .rows import set_resource_rows

VERSION_ALIASES = {"language": "language", "title": "title", "body": "body", "file": "file"}


def _interface_language() -> str:
    return (get_language() or "en")[:2]


class LibraryView(ExportMixin, ReaderMixin, ListView):
    """Search and filters; results ranked by relevance, with highlighted snippets."""

    export_columns = [
        Column(_l("Title"), str),
        Column(_l("Kind"), "get_kind_display"),
        Column(_l("Published"), "published_at"),
    ]

    model = Resource
    template_name = "learning/library/library.html"
    context_object_name = "resources"
    paginate_by = 20

    def get_queryset(self):
        self.form = SearchForm(self.request.GET or None, staff=self.reader.is_staff)
        visible = Resource.objects.visible_to(self.reader)
        self.form.offer_present_choices(visible)
        if self.form.is_bound:
            self.form.is_valid()
        self.filters = self.form.filters()
        resources = services.library_search(
            reader=self.reader, filters=self.filters, resources=visible
        )
        if self.export_format() is None:
            # a page: each row's version and topics read by the main query itself
            resources = services.with_row_display(resources, language=_interface_language())
        else:
            resources = services.with_display(resources)  # `str()` reads the versions
        return resources.annotate(
            bookmarked=Exists(
                Bookmark.objects.filter(user=self.request.user, resource=OuterRef("pk"))
            )
        )

    def get_paginator(self, *args, **kwargs):
        """Unfiltered, the list is every resource the filters' counts read: their number
        saves the paginator its count query."""
        paginator = super().get_paginator(*args, **kwargs)
        if self.filters == Filters() and self.form.present_count is not None:
            paginator.count = self.form.present_count
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        resources = list(context["resources"])
        services.attach_snippets(resources, self.filters.query)
        set_resource_rows(resources)
        context.update(
            resources=resources,
            form=self.form,
            query=self.filters.query.strip(),
            bookmarked={resource.pk for resource in resources if resource.bookmarked},
            interface_language=_interface_language(),
        )
        return context


def _resource_with_versions(reader):
    return Resource.objects.visible_to(reader).prefetch_related(
        Prefetch(
            "versions",
            queryset=ResourceVersion.objects.select_related("created_by")
            .defer("search_vector")
            .order_by("language", "-number"),
        ),
        Prefetch("topics", queryset=Topic.objects.order_by("name_en")),
    )


def _count_use(request, resource, kind: str) -> bool:
    """For the staff overview: which affiliates use which resources (counts only)."""
    return resource_use_record(
        resource=resource,
        user=request.user,
        active_slug=request.session.get(ACTIVE_AFFILIATE_SESSION_KEY),
        kind=kind,
    )


class ResourceDetailView(ReaderMixin, DetailView):
    """A resource in the reader's language (else English, and the page says so), its facets,
    its other languages, the versions in this language and the bookmark."""

    model = Resource
    template_name = "learning/library/resource.html"
    context_object_name = "resource"

    def get_queryset(self):
        return _resource_with_versions(self.reader)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        resource = self.object
        versions = list(resource.versions.all())
        wanted = self.request.GET.get("language", "")
        if wanted not in ResourceLanguage.values:
            wanted = _interface_language()
        version = None
        asked = self.request.GET.get("version", "")
        if asked.isdigit():
            version = next((v for v in versions if v.pk == int(asked)), None)
            if version is None:
                raise Http404
        version = version or resource.current_version(wanted)
        history = [v for v in versions if version and v.language == version.language]
        latest_by_language = {}
        for v in versions:
            latest_by_language.setdefault(v.language, v)
        context.update(
            version=version,
            wanted_language=wanted,
            wanted_language_name=ResourceLanguage(wanted).label,
            is_fallback=version is not None and version.language != wanted,
            is_latest=version is not None and history and history[0].pk == version.pk,
            history=history,
            other_languages=[
                v
                for code, v in latest_by_language.items()
                if version is None or code != version.language
            ],
            body_html=render_markdown(version.body) if version and version.body else "",
            counted=_count_use(self.request, resource, "view"),
            bookmarked=Bookmark.objects.filter(user=self.request.user, resource=resource).exists(),
            can_edit=self.reader.is_staff,
            stage_labels=[ProcurementStage(code).label for code in resource.stages],
            languages=[
                (code, label)
                for code, label in ResourceLanguage.choices
                if code in latest_by_language
            ],
        )
        return context


class ResourceDownloadView(ReaderMixin, View):
    """A version's file, to whoever may read the resource; anyone else gets a 404."""

    model = ResourceVersion
    http_method_names = ["get"]

    def get(self, request, pk, version_pk):
        resource = get_object_or_404(Resource.objects.visible_to(self.reader), pk=pk)
        version = get_object_or_404(
            resource.versions.filter(format=ResourceVersion.Format.FILE).exclude(file=""),
            pk=version_pk,
        )
        extension = version.file.name.rsplit(".", 1)[-1]
        _count_use(request, resource, "download")
        return file_download(
            version.file,
            filename=version.file_name or f"resource-{resource.pk}-v{version.number}.{extension}",
            content_type=version.file_type or "application/octet-stream",
        )


class ResourceDiffView(ReaderMixin, TemplateView):
    """What changed between two versions of one language (`?from=<pk>&to=<pk>`; by default
    the current version against the one before it)."""

    template_name = "learning/library/compare.html"

    def get(self, request, pk):
        self.resource = get_object_or_404(_resource_with_versions(self.reader), pk=pk)
        versions = {v.pk: v for v in self.resource.versions.all()}
        old, new = request.GET.get("from", ""), request.GET.get("to", "")
        if not (old.isdigit() and new.isdigit()):
            pair = self._default_pair(list(versions.values()))
            if pair is None:
                messages.info(request, _("This resource has only one version in each language."))
                return redirect(self.resource.get_absolute_url())
            old, new = (str(v.pk) for v in pair)
        self.old, self.new = versions.get(int(old)), versions.get(int(new))
        if self.old is None or self.new is None:
            raise Http404
        if self.old.number > self.new.number:
            self.old, self.new = self.new, self.old
        try:
            self.changes = version_diff(self.old, self.new)
        except DomainError as error:
            self.changes, self.error = [], error.message
            return self.render_to_response(self.get_context_data(), status=400)
        self.error = ""
        return self.render_to_response(self.get_context_data())

    def _default_pair(self, versions):
        """The latest version and the one before, in the language asked for, else the
        reader's, else English, else any language that has two."""
        order = [self.request.GET.get("language", ""), _interface_language(), "en"]
        order += [v.language for v in versions]
        for language in order:
            # Versions come newest first within each language.
            same = [v for v in versions if v.language == language]
            if len(same) >= 2:
                return same[1], same[0]
        return None

    def get_context_data(self, **kwargs):
        history = [v for v in self.resource.versions.all() if v.language == self.new.language]
        return super().get_context_data(
            resource=self.resource,
            old=self.old,
            new=self.new,
            changes=self.changes,
            error=self.error,
            history=history,
            unchanged=not any(change.changed for change in self.changes),
            **kwargs,
        )


class BookmarkToggleView(ReaderMixin, ServiceActionMixin, View):
    model = Resource

    def perform(self, request, pk):
        self.resource = get_object_or_404(Resource.objects.visible_to(self.reader), pk=pk)
        if services.bookmark_toggle(user=request.user, resource=self.resource):
            return _("Bookmarked: find it under “My bookmarks”.")
        return _("Bookmark removed.")

    def get_success_url(self):
        target = self.request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return target
        return self.resource.get_absolute_url()


class BookmarkListView(ExportMixin, ReaderMixin, ListView):
    export_columns = [
        Column(_l("Title"), str),
        Column(_l("Kind"), "get_kind_display"),
        Column(_l("Published"), "published_at"),
    ]

    model = Bookmark
    template_name = "learning/library/bookmarks.html"
    context_object_name = "bookmarks"
    paginate_by = 20

    def get_queryset(self):
        visible = Resource.objects.visible_to(self.reader)
        return (
            Bookmark.objects.filter(user=self.request.user, resource__in=visible)
            .prefetch_related(
                Prefetch("resource", queryset=services.with_display(Resource.objects.all()))
            )
            .order_by("-created_at", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        set_resource_rows(bookmark.resource for bookmark in context["bookmarks"])
        # A row names its version's language only when it is not the reader's.
        context["interface_language"] = _interface_language()
        return context


# --- Staff ----------------------------------------------------------------------------------


class ResourceCreateView(StaffRequiredMixin, TemplateView):
    template_name = "learning/library/resource_form.html"

    def get(self, request):
        return self.render_to_response(
            self.get_context_data(
                facets=ResourceForm(prefix="facets"),
                version_form=VersionForm(
                    prefix="version", initial={"language": _interface_language()}
                ),
            )
        )

    def post(self, request):
        facets = ResourceForm(request.POST, prefix="facets")
        version_form = VersionForm(request.POST, request.FILES, prefix="version")
        if facets.is_valid() and version_form.is_valid():
            data = facets.cleaned_data
            try:
                resource = services.resource_create(
                    kind=data["kind"],
                    topics=data["topics"],
                    stages=data["stages"],
                    countries=data["countries"],
                    text=version_form.version_text(),
                    by=request.user,
                )
            except DomainError as error:
                show_domain_error(request, error, version_form, aliases=VERSION_ALIASES)
            else:
                messages.success(
                    request, _("Resource saved as a draft; publish it when it is ready.")
                )
                return redirect(resource.get_absolute_url())
        return self.render_to_response(
            self.get_context_data(facets=facets, version_form=version_form), status=400
        )


class StaffResourceMixin(StaffRequiredMixin):
    model = Resource

    def get_resource(self) -> Resource:
        if not hasattr(self, "_resource"):
            self._resource = get_object_or_404(
                Resource.objects.visible_to(self.reader), pk=self.kwargs["pk"]
            )
        return self._resource

    def get_success_url(self):
        return self.get_resource().get_absolute_url()


class ResourceEditView(StaffResourceMixin, FormView):
    template_name = "learning/library/resource_edit.html"
    form_class = ResourceForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_resource()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(resource=self.get_resource(), **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.resource_update(
                resource=self.get_resource(),
                by=self.request.user,
                kind=data["kind"],
                topics=data["topics"],
                stages=data["stages"],
                countries=data["countries"],
            )
        except DomainError as error:
            show_domain_error(self.request, error, form)
            return self.form_invalid(form)
        messages.success(self.request, _("Facets saved."))
        return redirect(self.get_success_url())


class VersionAddView(StaffResourceMixin, FormView):
    """A new wording: the form starts from the current version in the chosen language."""

    template_name = "learning/library/version_form.html"
    form_class = VersionForm

    def get_initial(self):
        language = self.request.GET.get("language", "")
        if language not in ResourceLanguage.values:
            language = _interface_language()
        current = self.get_resource().versions.filter(language=language).order_by("-number")
        current = current.first()
        if current is None:
            return {"language": language}
        return {
            "language": language,
            "title": current.title,
            "summary": current.summary,
            "format": current.format,
            "body": current.body,
            "link": current.link,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(resource=self.get_resource(), **kwargs)

    def form_valid(self, form):
        try:
            version = services.version_add(
                resource=self.get_resource(), text=form.version_text(), by=self.request.user
            )
        except DomainError as error:
            show_domain_error(self.request, error, form, aliases={"change_note": "change_note"})
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Version %(number)s in %(language)s saved.")
            % {"number": version.number, "language": version.get_language_display()},
        )
        url = self.get_resource().get_absolute_url()
        return redirect(f"{url}?language={version.language}")

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class ResourcePublishView(StaffResourceMixin, ServiceActionMixin, View):
    def perform(self, request, pk):
        services.resource_publish(resource=self.get_resource(), by=request.user)
        return _("Published: every member can now find and read this resource.")


class ResourceUnpublishView(StaffResourceMixin, ConfirmedActionMixin, View):
    def check(self, request):
        if not self.get_resource().is_published:
            raise DomainError(_("This resource is not published."))

    def get_confirmation(self):
        resource = self.get_resource()
        bookmarked = resource.bookmarks.count()
        return Confirmation(
            title=_("Unpublish “%(title)s”?") % {"title": resource},
            summary=_(
                "The resource goes back to draft: members no longer find, open or download "
                "it, in any language; only Electronics Watch staff can see it. Nobody is told."
            ),
            rows=[
                (_("Resource"), str(resource)),
                (_("Kind"), resource.get_kind_display()),
                (
                    _("Bookmarked by"),
                    ngettext("%(count)s person", "%(count)s people", bookmarked)
                    % {"count": bookmarked},
                ),
            ],
            confirm_label=_("Unpublish (back to draft)"),
            cancel_url=self.get_success_url(),
            danger=True,
        )

    def perform(self, request, pk):
        services.resource_unpublish(resource=self.get_resource(), by=request.user)
        return _("Back to draft: only Electronics Watch staff can see this resource now.")


class TopicListView(ExportMixin, StaffRequiredMixin, ListView):
    """The topic vocabulary, and a form to add a term."""

    export_columns = fields(Topic, "slug", "name_en", "name_fr")

    model = Topic
    template_name = "learning/library/topics.html"
    context_object_name = "topics"
    paginate_by = 100

    def get_queryset(self):
        return Topic.objects.order_by("name_en")

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", TopicForm())
        return super().get_context_data(**kwargs)

    def post(self, request):
        form = TopicForm(request.POST)
        if form.is_valid():
            try:
                topic = services.topic_save(by=request.user, **form.cleaned_data)
            except DomainError as error:
                show_domain_error(request, error, form)
            else:
                messages.success(request, _("Topic “%(name)s” added.") % {"name": topic.name})
                return redirect("learning:topics")
        self.object_list = self.get_queryset()
        response = self.render_to_response(self.get_context_data(form=form))
        response.status_code = 400
        return response


class TopicEditView(StaffRequiredMixin, FormView):
    model = Topic
    template_name = "learning/library/topic_form.html"
    form_class = TopicForm

    def get_topic(self) -> Topic:
        if not hasattr(self, "_topic"):
            self._topic = get_object_or_404(Topic, pk=self.kwargs["pk"])
        return self._topic

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_topic()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(topic=self.get_topic(), **kwargs)

    def form_valid(self, form):
        try:
            services.topic_save(
                by=self.request.user,
                topic=self.get_topic(),
                name_en=form.cleaned_data["name_en"],
                name_fr=form.cleaned_data["name_fr"],
                slug=self.get_topic().slug,
            )
        except DomainError as error:
            show_domain_error(self.request, error, form)
            return self.form_invalid(form)
        messages.success(self.request, _("Topic renamed."))
        return redirect(reverse("learning:topics"))

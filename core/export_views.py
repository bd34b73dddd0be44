"""The page of a background export: its progress, then its download (`core.exports`)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.views.generic import DetailView
from django_scopes import scopes_disabled

from .models import ExportJob
from .spreadsheets import XLSX_CONTENT_TYPE
from .uploads import file_download

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX_CONTENT_TYPE}


class ExportJobMixin(LoginRequiredMixin):
    """A job is its requester's alone: anyone else, of any tenant, is told it does not exist.
    An affiliate's job is read under `/a/<slug>/` (the middleware's scope, checked
    membership); the others, which have no affiliate, through the bypass."""

    model = ExportJob
    context_object_name = "job"

    def get_object(self, queryset=None):
        pk = self.kwargs["pk"]
        if "affiliate_slug" in self.kwargs:
            job = ExportJob.objects.filter(pk=pk, requested_by=self.request.user).first()
        else:
            with scopes_disabled():
                job = ExportJob.objects.filter(
                    pk=pk, requested_by=self.request.user, affiliate__isnull=True
                ).first()
        if job is None:
            raise Http404
        return job


class ExportJobView(ExportJobMixin, DetailView):
    """Progress with htmx polling (`#progress` partial); without JavaScript the page reloads
    itself while the job runs."""

    template_name = "core/export_job.html"

    def get_template_names(self):
        if self.request.headers.get("HX-Request"):
            return ["core/export_job.html#progress"]
        return [self.template_name]


class ExportDownloadView(ExportJobMixin, DetailView):
    def get(self, request, *args, **kwargs):
        job = self.get_object()
        if job.status != ExportJob.Status.DONE or not job.file:
            raise Http404
        return file_download(
            job.file, filename=job.file_name, content_type=CONTENT_TYPES[job.format]
        )

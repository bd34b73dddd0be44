"""Celery application: the broker is Redis, tasks are discovered in every app."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("ewatch")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# The audit trail (core/audit.py): what a task writes is recorded with the task's name and id.
_audit_contexts = {}


@task_prerun.connect
def _audit_task_started(task_id=None, task=None, **kwargs):
    from core import rls
    from core.audit import task_context

    context = task_context(task.name, task_id)
    context.__enter__()
    # Row-level security (core/rls.py): the task is a unit of work for the bypass log.
    _audit_contexts[task_id] = (context, rls.start_unit(f"task {task.name}"))


@task_postrun.connect
def _audit_task_finished(task_id=None, **kwargs):
    from core import rls

    started = _audit_contexts.pop(task_id, None)
    if started is not None:
        context, unit = started
        rls.end_unit(unit)
        context.__exit__(None, None, None)

"""Migration operations of our own.

`AddTriggers` and `RemoveTriggers` are pgtrigger's `AddTrigger` and `RemoveTrigger` for many
triggers at once. Each `AddTrigger` reloads
the migration state of its model and of the models related to it; the audit-trail migrations
add about two hundred triggers, which made `migrate` take a minute longer. One operation
reloads once, installs the same triggers and leaves the same state, so `makemigrations` sees
no difference.
"""

from django.db.migrations.operations.base import Operation
from pgtrigger.migrations import AddTrigger, RemoveTrigger


class _TriggerBatch(Operation):
    """pgtrigger operations on many triggers, with one reload of the migration state."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, triggers):
        self.triggers = list(triggers)

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.triggers], {})

    def _operations(self):
        raise NotImplementedError

    def _change_state(self, model_state, item) -> None:
        raise NotImplementedError

    def state_forwards(self, app_label, state):
        models = set()
        for model_name, item in self.triggers:
            self._change_state(state.models[app_label, model_name], item)
            models.add((app_label, model_name))
        state.reload_models(sorted(models), delay=True)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        for operation in self._operations():
            operation.database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        for operation in reversed(self._operations()):
            operation.database_backwards(app_label, schema_editor, from_state, to_state)


class AddTriggers(_TriggerBatch):
    """[(model_name, pgtrigger trigger), ...], in the order they are installed."""

    def _operations(self):
        return [AddTrigger(model_name, trigger) for model_name, trigger in self.triggers]

    def _change_state(self, model_state, trigger) -> None:
        model_state.options["triggers"] = [*model_state.options.get("triggers", []), trigger]

    def describe(self):
        return f"Create {len(self.triggers)} triggers"

    @property
    def migration_name_fragment(self):
        return "triggers"


class RemoveTriggers(_TriggerBatch):
    """[(model_name, trigger name), ...], in the order they are removed."""

    def _operations(self):
        return [RemoveTrigger(model_name, name) for model_name, name in self.triggers]

    def _change_state(self, model_state, name) -> None:
        kept = [t for t in model_state.options.get("triggers", []) if t.name != name]
        model_state.options["triggers"] = kept

    def describe(self):
        return f"Remove {len(self.triggers)} triggers"

    @property
    def migration_name_fragment(self):
        return "remove_triggers"

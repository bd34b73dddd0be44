from django.db import migrations

# Where each model went; its content type (and so its permissions) follows it.
MOVED = {
    "contract": "suppliers",
    "checklistitem": "suppliers",
    "compliancereport": "reports",
    "outboxemail": "core",
}


def move_content_type(apps, model, from_app, to_app):
    """Relabel the model's content type, keeping its id, so its permissions, their grants and
    the admin history stay attached.

    A `migrate` that stops between the moves and this migration (`migrate affiliates 0006`
    when rolling back, `migrate suppliers 0004` when rolling forward) has post_migrate create
    a second content type under the other app, with its own permissions: the relabelled one
    would collide with it. Fold that duplicate into the original first."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    original = ContentType.objects.filter(app_label=from_app, model=model).first()
    if original is None:
        return
    duplicate = ContentType.objects.filter(app_label=to_app, model=model).first()
    if duplicate is not None:
        fold_content_type(apps, duplicate, into=original)
    original.app_label = to_app
    original.save(update_fields=["app_label"])


def fold_content_type(apps, duplicate, into):
    Permission = apps.get_model("auth", "Permission")
    for permission in Permission.objects.filter(content_type=duplicate):
        twin = Permission.objects.filter(content_type=into, codename=permission.codename).first()
        if twin is None:
            permission.content_type = into
            permission.save(update_fields=["content_type"])
            continue
        # Grants of the duplicate (to groups and users) go to its twin, once.
        for relation in Permission._meta.related_objects:
            if relation.many_to_many:
                grants = relation.through.objects
                to_permission = relation.field.m2m_reverse_field_name()
                holder = f"{relation.field.m2m_field_name()}_id"
                held = grants.filter(**{to_permission: twin}).values_list(holder, flat=True)
                grants.filter(**{to_permission: permission}).exclude(
                    **{f"{holder}__in": held}
                ).update(**{to_permission: twin})
        permission.delete()
    # Anything else that names the duplicate (the admin's history) names the original.
    ContentType = apps.get_model("contenttypes", "ContentType")
    for relation in ContentType._meta.related_objects:
        if relation.one_to_many and relation.related_model is not Permission:
            relation.related_model._base_manager.filter(
                **{relation.field.name: duplicate}
            ).update(**{relation.field.name: into})
    duplicate.delete()


def content_types_follow(apps, schema_editor):
    for model, app_label in MOVED.items():
        move_content_type(apps, model, "affiliates", app_label)


def content_types_return(apps, schema_editor):
    for model, app_label in MOVED.items():
        move_content_type(apps, model, app_label, "affiliates")


class Migration(migrations.Migration):
    """Contracts, checklists, compliance reports and the outbox now live in suppliers, reports and
    core (their tables were renamed there): affiliates lets go of them in the state only."""

    dependencies = [
        ("affiliates", "0006_compliance_report"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0002_outboxemail"),
        ("suppliers", "0004_contracts_from_affiliates"),
        ("reports", "0001_initial"),
        ("remediation", "0002_engagement_contract_in_suppliers"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ComplianceReport"),
                migrations.DeleteModel(name="ChecklistItem"),
                migrations.DeleteModel(name="Contract"),
                migrations.DeleteModel(name="OutboxEmail"),
            ],
        ),
        migrations.RunPython(content_types_follow, content_types_return),
    ]

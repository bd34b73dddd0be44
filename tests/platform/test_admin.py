"""The admin site, for Electronics Watch staff: every registered model's list, add and change
pages open (the affiliate's change page with its members inline answered 500)."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django_scopes import scopes_disabled

from tests.factories import ContractFactory, member

pytestmark = pytest.mark.django_db


def test_every_admin_list_add_and_change_page_opens_for_staff(client, staff, northvale):
    member(northvale)
    ContractFactory(affiliate=northvale)
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)

    failures = []
    for model, model_admin in admin.site._registry.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls = [reverse(f"{name}_changelist")]
        if model_admin.has_add_permission(_request(staff)):
            urls.append(reverse(f"{name}_add"))
        with scopes_disabled():
            first = model._base_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse(f"{name}_change", args=[first.pk]))
        for url in urls:
            status = client.get(url).status_code
            if status != 200:
                failures.append((url, status))
    assert failures == []


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request

"""The registry's API shapes written out for speed (`core.serializers.PlainColumns`) answer
what DRF's generic walk through their fields answers, for every kind of value they show."""

from decimal import Decimal

import pytest
from django.utils.translation import override
from django_scopes import scopes_disabled
from rest_framework import serializers

from suppliers.api import DisclosureViewSet
from suppliers.models import Factory
from suppliers.serializers import (
    DisclosureLineSerializer,
    DisclosureSerializer,
    FactorySerializer,
    StaffFactorySerializer,
)
from tests.factories import (
    ContractFactory,
    DisclosureFactory,
    DisclosureLineFactory,
    FactoryFactory,
    SupplierFactory,
)

pytestmark = pytest.mark.django_db


def _generic(serializer, row) -> dict:
    """DRF's own path: `Serializer.to_representation` with the same fields."""
    return serializers.Serializer.to_representation(serializer, row)


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("shape", [FactorySerializer, StaffFactorySerializer])
def test_the_factory_shapes_equal_drfs(shape, language, northvale):
    with scopes_disabled():
        full = FactoryFactory(
            aliases=["Old name"],
            region="Guangdong",
            latitude=Decimal("22.5431"),
            longitude=Decimal("114.0579"),
            products=["laptops"],
            workforce_size=2400,
            migrant_share=Decimal("0.35"),
            owner=SupplierFactory(),
        )
        bare = FactoryFactory(latitude=None, longitude=None, workforce_size=None, owner=None)
        DisclosureLineFactory(factory=full, disclosure__contract__affiliate=northvale)
        rows = list(
            Factory.objects.filter(pk__in=[full.pk, bare.pk]).with_leverage().order_by("pk")
        )
    context = {"staff": shape is StaffFactorySerializer}
    with override(language):
        for row in rows:
            assert shape(context=context).to_representation(row) == _generic(
                shape(context=context), row
            )


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_disclosure_shape_equals_drfs(language, northvale):
    with scopes_disabled():
        with_lines = DisclosureFactory(
            contract=ContractFactory(affiliate=northvale), comments="Two sites missing."
        )
        DisclosureLineFactory.create_batch(2, disclosure=with_lines)
        DisclosureFactory(contract=ContractFactory(affiliate=northvale))
        view = DisclosureViewSet()
        rows = list(view.get_queryset().filter(affiliate=northvale))
    assert [row.line_count for row in rows if row.pk == with_lines.pk] == [2]
    with override(language):
        for row in rows:
            assert DisclosureSerializer().to_representation(row) == _generic(
                DisclosureSerializer(), row
            )


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_disclosure_line_shape_equals_drfs(language, northvale):
    with scopes_disabled():
        lines = [
            DisclosureLineFactory(disclosure__contract__affiliate=northvale, tier=2),
            DisclosureLineFactory(
                disclosure__contract__affiliate=northvale,
                site_name="Nhà máy Bắc Ninh",
                country="VN",
            ),
        ]
    with override(language):
        for line in lines:
            assert DisclosureLineSerializer().to_representation(line) == _generic(
                DisclosureLineSerializer(), line
            )

"""The API's exception handler (core.api.exception_handler): a 404 never names the model."""

import pytest
from django.http import Http404
from django.shortcuts import get_object_or_404
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from affiliates.models import User
from core.errors import DomainError


class _Missing(APIView):
    authentication_classes = ()
    permission_classes = ()

    def get(self, request):
        get_object_or_404(User, pk=0)


class _Plain404(APIView):
    authentication_classes = ()
    permission_classes = ()

    def get(self, request):
        raise Http404("No RemediationAction matches the given query.")


class _Rule(APIView):
    authentication_classes = ()
    permission_classes = ()

    def get(self, request):
        raise DomainError("Say why.", field="reason")


@pytest.mark.django_db
@pytest.mark.parametrize("view", [_Missing, _Plain404])
def test_a_404_says_not_found_and_never_the_model(view):
    response = view.as_view()(APIRequestFactory().get("/api/v1/x/"))
    response.render()
    assert response.status_code == 404
    assert response.data == {"detail": "Not found."}
    assert b"User" not in response.content and b"RemediationAction" not in response.content


def test_a_broken_rule_is_still_a_400_with_its_message():
    response = _Rule.as_view()(APIRequestFactory().get("/api/v1/x/"))
    assert response.status_code == 400
    assert response.data == {"reason": ["Say why."]}

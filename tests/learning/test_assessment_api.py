"""`/api/v1/self-assessments/`: reading the affiliate's assessments, writing answers with
clear 400s that save nothing, viewers refused, another affiliate's a 404."""

import pytest
from django_scopes import scope, scopes_disabled

from affiliates.models import Membership
from learning.models import Answer
from learning.services.assessment import answer_save
from tests.factories import (
    AffiliateFactory,
    AssessmentFactory,
    QuestionFactory,
    completed_assessment,
    member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(northvale):
    with scopes_disabled():
        return AssessmentFactory(affiliate=northvale)


def _url(assessment, suffix=""):
    return f"/api/v1/self-assessments/{assessment.pk}/{suffix}"


def test_an_officer_writes_an_answer_and_reads_it_back(client, draft, northvale_officer):
    question = draft.questionnaire.questions.order_by("pk").first()
    client.force_login(northvale_officer)

    response = client.post(
        _url(draft, "answers/"),
        {"question": question.pk, "level": 2, "evidence": "Tender template of 2025."},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["level"] == 2
    detail = client.get(_url(draft)).json()
    assert detail["status"] == "draft"
    assert len(detail["questions"]) == 12
    assert detail["answers"] == [
        {
            "question": question.pk,
            "level": 2,
            "evidence": "Tender template of 2025.",
            "updated_at": detail["answers"][0]["updated_at"],
        }
    ]
    assert client.get(_url(draft, "answers/")).json()[0]["question"] == question.pk


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"level": 7}, "level", "Choose one of the answers"),
        ({"level": 2, "evidence": "x" * 2001}, "evidence", "2000"),
        ({"level": 2, "question": 999_999}, "question", "Invalid pk"),
        ({"level": 2, "question": "foreign"}, "question", "not part of this self-assessment"),
    ],
)
def test_a_bad_answer_is_a_400_with_a_clear_message_and_saves_nothing(
    client, draft, northvale_officer, body, field, message
):
    question = draft.questionnaire.questions.order_by("pk").first()
    with scope(affiliate=draft.affiliate):
        answer_save(assessment=draft, question=question, level=1, evidence="Kept", by=None)
    if body.get("question") == "foreign":
        body["question"] = QuestionFactory().pk  # a question of another (draft) version
    client.force_login(northvale_officer)

    response = client.post(
        _url(draft, "answers/"),
        {"question": question.pk, **body},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    with scopes_disabled():
        assert list(Answer.objects.values_list("level", "evidence")) == [(1, "Kept")]


def test_a_completed_assessment_refuses_answers(client, northvale, northvale_officer):
    assessment = completed_assessment(northvale, 2)
    question = assessment.questionnaire.questions.first()
    client.force_login(northvale_officer)

    response = client.post(
        _url(assessment, "answers/"),
        {"question": question.pk, "level": 0},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "completed" in response.json()["detail"]
    with scopes_disabled():
        assert set(Answer.objects.values_list("level", flat=True)) == {2}
    body = client.get(_url(assessment)).json()
    assert body["overall_percent"] == 67
    assert body["stage_scores"][0] == {
        "stage": "policy",
        "points": 4,
        "maximum": 6,
        "percent": 67,
        "level": "established",
    }


def test_a_viewer_reads_but_cannot_answer(client, draft, northvale):
    viewer = member(northvale, Membership.Role.VIEWER)
    question = draft.questionnaire.questions.first()
    client.force_login(viewer)

    assert client.get(_url(draft)).status_code == 200
    response = client.post(
        _url(draft, "answers/"),
        {"question": question.pk, "level": 3},
        content_type="application/json",
    )

    assert response.status_code == 403
    with scopes_disabled():
        assert not Answer.objects.exists()


def test_another_affiliates_assessment_is_404_and_never_listed(
    client, draft, southport, southport_officer
):
    question = draft.questionnaire.questions.first()
    client.force_login(southport_officer)

    assert client.get(_url(draft)).status_code == 404
    response = client.post(
        _url(draft, "answers/"),
        {"question": question.pk, "level": 3},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert client.get("/api/v1/self-assessments/").json()["results"] == []
    with scopes_disabled():
        assert not Answer.objects.exists()


def test_the_list_keeps_its_query_budget(
    client, northvale, northvale_officer, django_assert_max_num_queries
):
    completed_assessment(northvale, 1)
    client.force_login(northvale_officer)
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/self-assessments/").status_code == 200
    for level in (2, 3, 0, 1, 2, 3):
        completed_assessment(northvale, level)
    completed_assessment(AffiliateFactory(), 1)
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/self-assessments/")
    assert response.json()["count"] == 7

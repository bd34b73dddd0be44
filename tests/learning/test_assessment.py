"""The due-diligence self-assessment: scoring and maturity, answering (autosave and without
JavaScript), completion, who may answer, the benchmark against the median of affiliates, and
frozen scores across questionnaire versions."""

import pytest
from django_scopes import scope, scopes_disabled

from affiliates.models import Membership
from core.errors import DomainError
from learning.models import Answer, Assessment, MaturityLevel, ProcurementStage, Questionnaire
from learning.services.assessment import (
    answer_save,
    assessment_complete,
    assessment_start,
    benchmark,
    maturity_level,
)
from learning.services.questionnaire import (
    question_delete,
    question_save,
    questionnaire_new_version,
    questionnaire_publish,
)
from tests.factories import (
    AffiliateFactory,
    AssessmentFactory,
    completed_assessment,
    member,
    published_questionnaire,
)

pytestmark = pytest.mark.django_db

# Two questions per stage (published_questionnaire's default), answered per stage:
HAND_LEVELS = {
    ProcurementStage.POLICY: (3, 3),  # 6/6 = 100 % leading
    ProcurementStage.PLANNING: (1, 0),  # 1/6 = 16.7 % → 17 %, starting
    ProcurementStage.TENDER: (2, 1),  # 3/6 = 50 % exactly: established
    ProcurementStage.CONTRACT_MANAGEMENT: (1, 1),  # 2/6 = 33.3 % → 33 %, developing
    ProcurementStage.REMEDIATION: (0, 0),  # 0/6 = 0 %, starting
    ProcurementStage.REPORTING: (2, 2),  # 4/6 = 66.7 % → 67 %, established
}  # overall 16/36 = 44.4 % → 44 %, developing


def _hand_level(question):
    return HAND_LEVELS[question.stage][question.order - 1]


def test_maturity_thresholds_are_on_the_exact_share():
    assert maturity_level(0, 12) == MaturityLevel.STARTING
    assert maturity_level(2, 9) == MaturityLevel.STARTING  # 22.2 %
    assert maturity_level(1, 4) == MaturityLevel.DEVELOPING  # 25 % exactly
    assert maturity_level(49, 100) == MaturityLevel.DEVELOPING
    assert maturity_level(1, 2) == MaturityLevel.ESTABLISHED  # 50 % exactly
    assert maturity_level(749, 1000) == MaturityLevel.ESTABLISHED  # rounds to 75 %, is not
    assert maturity_level(3, 4) == MaturityLevel.LEADING  # 75 % exactly
    assert maturity_level(6, 6) == MaturityLevel.LEADING


def test_completion_stores_hand_computed_scores_per_stage_and_overall(northvale, northvale_officer):
    assessment = completed_assessment(northvale, _hand_level, by=northvale_officer)

    assert assessment.status == Assessment.Status.COMPLETED
    assert assessment.completed_by == northvale_officer
    assert assessment.stage_scores == {
        "policy": {"points": 6, "maximum": 6, "percent": 100, "level": "leading"},
        "planning": {"points": 1, "maximum": 6, "percent": 17, "level": "starting"},
        "tender": {"points": 3, "maximum": 6, "percent": 50, "level": "established"},
        "contract_management": {"points": 2, "maximum": 6, "percent": 33, "level": "developing"},
        "remediation": {"points": 0, "maximum": 6, "percent": 0, "level": "starting"},
        "reporting": {"points": 4, "maximum": 6, "percent": 67, "level": "established"},
    }
    assert (assessment.overall_points, assessment.overall_maximum) == (16, 36)
    assert assessment.overall_percent == 44
    assert assessment.overall_level == MaturityLevel.DEVELOPING


def test_the_result_page_shows_scores_levels_and_recommendations_for_weak_stages(
    client, northvale, northvale_officer
):
    from learning.models import Resource, ResourceVersion

    guide = Resource.objects.create(
        kind="guidance",
        stages=["remediation"],
        status="published",
        published_at="2026-01-01T00:00Z",
    )
    ResourceVersion.objects.create(
        resource=guide, language="en", title="Remedy for workers: a guide", format="text"
    )
    strong = Resource.objects.create(kind="guidance", stages=["policy"], status="published")
    ResourceVersion.objects.create(
        resource=strong, language="en", title="Writing a policy", format="text"
    )
    assessment = completed_assessment(northvale, _hand_level, by=northvale_officer)
    client.force_login(northvale_officer)

    response = client.get(f"/a/northvale/self-assessment/{assessment.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Overall score" in html
    assert "44 %" in html
    assert "Procurement planning and risk assessment: Starting (17 %)" in html
    assert "Remediation: Starting (0 %)" in html
    assert "Contract management and monitoring: Developing (33 %)" in html
    assert "Remedy for workers: a guide" in html
    assert "Writing a policy" not in html  # policy is leading: nothing recommended there


def test_completion_is_refused_while_questions_are_unanswered_and_changes_nothing(
    northvale, northvale_officer
):
    questionnaire = published_questionnaire()
    with scope(affiliate=northvale):
        assessment = assessment_start(affiliate=northvale, by=northvale_officer)
        questions = list(questionnaire.questions.order_by("pk"))
        for question in questions[:-2]:
            answer_save(assessment=assessment, question=question, level=2, evidence="", by=None)
        # Notes without an answer do not count as an answer.
        answer_save(
            assessment=assessment, question=questions[-2], level=None, evidence="Draft", by=None
        )

        with pytest.raises(DomainError) as refused:
            assessment_complete(assessment=assessment, by=northvale_officer)

        assessment.refresh_from_db()
    message = str(refused.value)
    assert "2 questions have no answer" in message
    assert questions[-1].text_en in message
    assert questions[-2].text_en in message
    assert questions[0].text_en not in message
    assert assessment.status == Assessment.Status.DRAFT
    assert assessment.completed_at is None
    assert assessment.stage_scores == {}
    assert assessment.overall_percent is None


def test_an_affiliate_has_one_draft_at_a_time(northvale, northvale_officer):
    published_questionnaire()
    with scope(affiliate=northvale):
        assessment_start(affiliate=northvale, by=northvale_officer)
        with pytest.raises(DomainError, match="already in progress"):
            assessment_start(affiliate=northvale, by=northvale_officer)
        assert Assessment.objects.count() == 1


def test_an_officer_starts_and_answers_with_autosave(client, northvale, northvale_officer):
    questionnaire = published_questionnaire()
    question = questionnaire.questions.order_by("pk").first()
    client.force_login(northvale_officer)

    response = client.post("/a/northvale/self-assessment/start/")
    with scopes_disabled():
        assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/a/northvale/self-assessment/{assessment.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert (
        f'hx-post="/a/northvale/self-assessment/{assessment.pk}/questions/{question.pk}/"' in page
    )

    url = f"/a/northvale/self-assessment/{assessment.pk}/questions/{question.pk}/"
    prefix = f"q{question.pk}"
    saved = client.post(
        url,
        {f"{prefix}-level": "2", f"{prefix}-evidence": "Council policy of March 2025."},
        HTTP_HX_REQUEST="true",
    )

    assert saved.status_code == 200
    assert "Saved at" in saved.content.decode()
    assert "Mostly in place" in saved.content.decode()
    assert "<html" not in saved.content.decode()  # the status fragment only
    with scopes_disabled():
        answer = Answer.objects.get()
    assert (answer.level, answer.evidence) == (2, "Council policy of March 2025.")
    assert answer.updated_by == northvale_officer

    # Changing the answer replaces it: one answer per question.
    client.post(url, {f"{prefix}-level": "3", f"{prefix}-evidence": ""}, HTTP_HX_REQUEST="true")
    with scopes_disabled():
        assert list(Answer.objects.values_list("level", "evidence")) == [(3, "")]


def test_autosave_refuses_an_answer_off_the_scale_and_keeps_the_earlier_one(
    client, northvale, northvale_officer
):
    with scopes_disabled():
        assessment = AssessmentFactory(affiliate=northvale)
    question = assessment.questionnaire.questions.order_by("pk").first()
    with scope(affiliate=northvale):
        answer_save(assessment=assessment, question=question, level=1, evidence="", by=None)
    client.force_login(northvale_officer)

    response = client.post(
        f"/a/northvale/self-assessment/{assessment.pk}/questions/{question.pk}/",
        {f"q{question.pk}-level": "7"},
        HTTP_HX_REQUEST="true",
    )

    assert "Choose one of the answers" in response.content.decode()
    with scopes_disabled():
        assert Answer.objects.get().level == 1


def test_without_javascript_the_whole_form_saves_and_completes(
    client, northvale, northvale_officer
):
    with scopes_disabled():
        assessment = AssessmentFactory(affiliate=northvale)
    questions = list(assessment.questionnaire.questions.order_by("pk"))
    client.force_login(northvale_officer)
    data = {"action": "save"}
    for question in questions[:3]:
        data[f"q{question.pk}-level"] = "1"
        data[f"q{question.pk}-evidence"] = f"Note {question.pk}"

    response = client.post(f"/a/northvale/self-assessment/{assessment.pk}/", data, follow=True)

    assert "Answers saved (3 changed)." in response.content.decode()
    with scopes_disabled():
        assert Answer.objects.filter(assessment=assessment, level=1).count() == 3

    data = {"action": "complete"}
    for question in questions:
        data[f"q{question.pk}-level"] = "3"
    response = client.post(f"/a/northvale/self-assessment/{assessment.pk}/", data, follow=True)

    html = response.content.decode()
    assert "Self-assessment completed." in html
    assert "100 %" in html
    with scopes_disabled():
        assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.COMPLETED


def test_the_complete_button_lists_the_unanswered_questions(client, northvale, northvale_officer):
    with scopes_disabled():
        assessment = AssessmentFactory(affiliate=northvale)
    questions = list(assessment.questionnaire.questions.order_by("pk"))
    client.force_login(northvale_officer)

    response = client.post(
        f"/a/northvale/self-assessment/{assessment.pk}/",
        {"action": "complete", f"q{questions[0].pk}-level": "2"},
        follow=True,
    )

    html = response.content.decode()
    assert "cannot be completed yet: 11 questions have no answer" in html
    assert questions[1].text_en.replace(":", "") in html.replace(":", "")
    with scopes_disabled():
        assessment.refresh_from_db()
        assert Answer.objects.get().level == 2  # what was answered is kept
    assert assessment.status == Assessment.Status.DRAFT


def test_a_viewer_reads_but_cannot_start_or_answer(client, northvale):
    viewer = member(northvale, Membership.Role.VIEWER)
    with scopes_disabled():
        assessment = AssessmentFactory(affiliate=northvale)
    question = assessment.questionnaire.questions.order_by("pk").first()
    client.force_login(viewer)

    page = client.get(f"/a/northvale/self-assessment/{assessment.pk}/")
    assert page.status_code == 200
    assert "Read only" in page.content.decode()
    assert "hx-post" not in page.content.decode()
    assert (
        "Start a self-assessment"
        not in client.get("/a/northvale/self-assessment/").content.decode()
    )

    prefix = f"q{question.pk}"
    responses = [
        client.post(
            f"/a/northvale/self-assessment/{assessment.pk}/questions/{question.pk}/",
            {f"{prefix}-level": "3"},
            HTTP_HX_REQUEST="true",
        ),
        client.post(
            f"/a/northvale/self-assessment/{assessment.pk}/",
            {"action": "complete", f"{prefix}-level": "3"},
        ),
        client.post("/a/northvale/self-assessment/start/"),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403]
    with scopes_disabled():
        assert not Answer.objects.exists()
        assert Assessment.objects.count() == 1


def test_another_affiliates_assessment_is_404(client, northvale, southport, southport_officer):
    with scopes_disabled():
        assessment = AssessmentFactory(affiliate=northvale)
    question = assessment.questionnaire.questions.first()
    client.force_login(southport_officer)

    urls = [
        f"/a/southport/self-assessment/{assessment.pk}/",
        f"/a/southport/self-assessment/{assessment.pk}/pdf/",
        f"/a/southport/self-assessment/{assessment.pk}/pdf/download/",
    ]
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    response = client.post(
        f"/a/southport/self-assessment/{assessment.pk}/questions/{question.pk}/",
        {f"q{question.pk}-level": "3"},
    )
    assert response.status_code == 404
    with scopes_disabled():
        assert not Answer.objects.exists()


# --- Benchmark -----------------------------------------------------------------------------

OTHER_NAMES = ["Harbourside Hospital Trust", "Lakeland Purchasing", "Region of Eastmoor", "Vale U"]


def _others(count, levels=(0, 1, 2, 2)):
    for name, level in list(zip(OTHER_NAMES, levels, strict=True))[:count]:
        completed_assessment(AffiliateFactory(name=name), level)


def test_the_median_is_absent_below_five_affiliates(client, northvale, northvale_officer):
    _others(3)
    latest = completed_assessment(northvale, 3)
    client.force_login(northvale_officer)

    assert benchmark() is None
    for url in ("/a/northvale/self-assessment/", f"/a/northvale/self-assessment/{latest.pk}/"):
        html = client.get(url).content.decode()
        assert "appears once at least 5 affiliates have completed" in html
        assert "Median of affiliates" not in html


def test_the_median_appears_at_five_affiliates_and_names_none(client, northvale, northvale_officer):
    _others(4)  # 0 %, 33 %, 67 %, 67 %
    completed_assessment(northvale, 1, completed_at="2025-03-01T10:00Z")  # an earlier one
    latest = completed_assessment(northvale, 3)  # 100 %: only the latest counts
    client.force_login(northvale_officer)

    result = benchmark()
    assert result.affiliates == 5
    assert result.overall == 67.0
    assert result.stages["policy"] == 67.0

    for url in ("/a/northvale/self-assessment/", f"/a/northvale/self-assessment/{latest.pk}/"):
        html = client.get(url).content.decode()
        assert "Median of affiliates" in html
        assert "latest completed self-assessments of 5 affiliates" in html
        assert "67 %" in html
        for name in OTHER_NAMES:
            assert name not in html
    api = client.get("/api/v1/self-assessments/").content.decode()
    api += client.get(f"/api/v1/self-assessments/{latest.pk}/").content.decode()
    for name in OTHER_NAMES:
        assert name not in api
    assert '"affiliate"' not in api


def test_progress_over_time_lists_completed_assessments_with_a_chart(
    client, northvale, northvale_officer
):
    first = completed_assessment(northvale, 1, completed_at="2025-03-01T10:00Z")
    second = completed_assessment(northvale, 2, completed_at="2026-03-01T10:00Z")
    client.force_login(northvale_officer)

    html = client.get("/a/northvale/self-assessment/").content.decode()

    assert "<svg" in html
    assert first.reference in html and second.reference in html
    assert html.index(second.reference) < html.index("</table>")
    assert "33 %" in html and "67 %" in html


# --- Versions -------------------------------------------------------------------------------


def test_a_completed_assessment_keeps_its_scores_when_the_questionnaire_changes(
    client, northvale, northvale_officer, staff
):
    assessment = completed_assessment(northvale, _hand_level)
    before = (assessment.stage_scores, assessment.overall_percent, assessment.overall_level)

    draft = questionnaire_new_version(by=staff)
    assert draft.questions.count() == 12
    first = draft.questions.order_by("pk").first()
    question_delete(questionnaire=draft, question=first)
    question_save(
        questionnaire=draft,
        stage=ProcurementStage.POLICY,
        order=5,
        text_en="Is the policy reviewed every year?",
        text_fr="La politique est-elle revue chaque année ?",
    )
    questionnaire_publish(questionnaire=draft, by=staff)

    old = Questionnaire.objects.get(pk=assessment.questionnaire_id)
    assert old.status == Questionnaire.Status.RETIRED
    with scopes_disabled():
        assessment.refresh_from_db()
    assert (assessment.stage_scores, assessment.overall_percent, assessment.overall_level) == before
    client.force_login(northvale_officer)
    html = client.get(f"/a/northvale/self-assessment/{assessment.pk}/").content.decode()
    assert "44 %" in html
    assert "Is the policy reviewed every year?" not in html
    # The next self-assessment uses the new version.
    with scope(affiliate=northvale):
        assert assessment_start(affiliate=northvale, by=None).questionnaire == draft


def test_a_published_questionnaire_is_frozen(staff):
    questionnaire = published_questionnaire()
    question = questionnaire.questions.first()

    with pytest.raises(DomainError, match="make a new version"):
        question_save(questionnaire=questionnaire, question=question, text_en="Changed?")
    with pytest.raises(DomainError, match="make a new version"):
        question_delete(questionnaire=questionnaire, question=question)
    question.refresh_from_db()
    assert question.text_en != "Changed?"
    questionnaire_new_version(by=staff)
    with pytest.raises(DomainError, match="draft version already exists"):
        questionnaire_new_version(by=staff)


def test_staff_make_a_version_edit_a_question_and_publish_it(client, staff):
    current = published_questionnaire()
    client.force_login(staff)

    response = client.post("/staff/learning/questionnaires/new-version/")
    draft = Questionnaire.objects.get(status=Questionnaire.Status.DRAFT)
    assert response["Location"] == f"/staff/learning/questionnaires/{draft.pk}/"
    question = draft.questions.order_by("pk").first()
    response = client.post(
        f"/staff/learning/questionnaires/{draft.pk}/questions/{question.pk}/",
        {
            "stage": "policy",
            "order": "1",
            "text_en": "Has the governing body adopted a human-rights policy?",
            "text_fr": "L'organe de direction a-t-il adopté une politique ?",
            "help_en": "",
            "help_fr": "",
        },
    )
    assert response.status_code == 302
    refused = client.post(
        f"/staff/learning/questionnaires/{draft.pk}/questions/new/",
        {"stage": "nowhere", "order": "1", "text_en": "", "text_fr": ""},
    )
    assert refused.status_code == 400
    assert draft.questions.count() == 12
    client.post(f"/staff/learning/questionnaires/{draft.pk}/publish/")

    draft.refresh_from_db()
    current.refresh_from_db()
    assert draft.status == Questionnaire.Status.PUBLISHED
    assert current.status == Questionnaire.Status.RETIRED
    assert draft.questions.filter(text_en__startswith="Has the governing body").exists()
    page = client.get("/staff/learning/questionnaires/").content.decode()
    assert f"Version {draft.version}" in page


def test_affiliate_members_cannot_reach_the_questionnaire_editor(client, northvale_admin):
    questionnaire = published_questionnaire()
    client.force_login(northvale_admin)
    assert client.get("/staff/learning/questionnaires/").status_code == 404
    assert client.post("/staff/learning/questionnaires/new-version/").status_code == 404
    assert client.get(f"/staff/learning/questionnaires/{questionnaire.pk}/").status_code == 404
    assert Questionnaire.objects.count() == 1


# --- Query budgets --------------------------------------------------------------------------


def test_the_overview_keeps_its_query_budget(
    client, northvale, northvale_officer, django_assert_max_num_queries
):
    for level in (0, 1):
        completed_assessment(northvale, level)
    client.force_login(northvale_officer)
    with django_assert_max_num_queries(16):
        assert client.get("/a/northvale/self-assessment/").status_code == 200
    for level in (2, 3, 1, 2, 3, 0, 1, 2):
        completed_assessment(northvale, level)
    for index in range(6):
        completed_assessment(AffiliateFactory(), index % 4)
    with scope(affiliate=northvale):
        assessment_start(affiliate=northvale, by=None)
    with django_assert_max_num_queries(16):
        response = client.get("/a/northvale/self-assessment/")
    assert "Median of affiliates" in response.content.decode()


def test_the_form_and_result_pages_keep_their_query_budget(
    client, northvale, northvale_officer, django_assert_max_num_queries
):
    completed = completed_assessment(northvale, 1)
    with scope(affiliate=northvale):
        draft = assessment_start(affiliate=northvale, by=None)
    client.force_login(northvale_officer)
    with django_assert_max_num_queries(14):
        assert client.get(f"/a/northvale/self-assessment/{draft.pk}/").status_code == 200
    with django_assert_max_num_queries(26):
        assert client.get(f"/a/northvale/self-assessment/{completed.pk}/").status_code == 200


def test_the_staff_questionnaire_list_keeps_its_query_budget(
    client, staff, django_assert_max_num_queries
):
    published_questionnaire()
    client.force_login(staff)
    with django_assert_max_num_queries(10):
        assert client.get("/staff/learning/questionnaires/").status_code == 200
    for _ in range(30):
        questionnaire_new_version(by=staff)
        Questionnaire.objects.filter(status="draft").update(status="retired")
    with django_assert_max_num_queries(10):
        response = client.get("/staff/learning/questionnaires/")
    assert "Page 1 of 2" in response.content.decode()

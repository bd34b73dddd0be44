from affiliates.models import User


def test_language_choice_is_saved_on_the_profile_and_in_a_cookie(client, northvale_officer):
    client.force_login(northvale_officer)
    response = client.post("/language/", {"language": "fr", "next": "/a/northvale/"})
    assert response["Location"] == "/a/northvale/"
    assert response.cookies["django_language"].value == "fr"
    assert User.objects.get(pk=northvale_officer.pk).language == "fr"
    page = client.get("/a/northvale/")
    assert page["Content-Language"] == "fr"
    assert '<html lang="fr">' in page.content.decode()


def test_saved_language_applies_at_next_login_on_another_browser(client, northvale_officer):
    northvale_officer.language = "fr"
    northvale_officer.save()
    client.force_login(northvale_officer)
    page = client.get("/a/northvale/")
    assert '<html lang="fr">' in page.content.decode()
    assert page.cookies["django_language"].value == "fr"


def test_anonymous_visitor_switches_language_by_cookie(client, db):
    client.post("/language/", {"language": "fr", "next": "/accounts/login/"})
    page = client.get("/accounts/login/")
    assert '<html lang="fr">' in page.content.decode()


def test_unknown_language_or_foreign_redirect_is_refused(client, northvale_officer):
    client.force_login(northvale_officer)
    response = client.post("/language/", {"language": "xx", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert response.cookies["django_language"].value == "en"  # the saved choice stands
    assert User.objects.get(pk=northvale_officer.pk).language == "en"

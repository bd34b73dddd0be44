def test_login_page_renders(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "Sign In" in response.content.decode()


def test_officer_lands_on_affiliate_dashboard(client, northvale_officer):
    client.force_login(northvale_officer)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/a/northvale/"
    assert "City of Northvale" in response.content.decode()

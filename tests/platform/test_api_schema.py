from django.core.management import call_command


def test_openapi_schema_is_valid_and_lists_every_resource(tmp_path, db):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = target.read_text()
    for path in (
        "/api/v1/contracts/",
        "/api/v1/disclosures/",
        "/api/v1/disclosure-lines/",
        "/api/v1/factories/",
        "/api/v1/suppliers/",
        "/api/v1/memberships/",
        "/api/v1/grievances/",
        "/api/v1/cases/",
        "/api/v1/cases/{id}/",
        "/api/v1/events/",
        "/api/v1/events/{id}/register/",
        "/api/v1/events/{id}/cancel/",
    ):
        assert f"  {path}:" in schema

"""The container set-up: docker-compose.yml, the Dockerfile and .dockerignore, read as files.

No Docker engine is needed: the compose file is parsed with PyYAML and its `${VAR}` references
are resolved here the way Compose resolves them, so the tests see what a container would get.
"""

import re
import shlex
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"

APP_SERVICES = ("web", "worker", "beat")
ALL_SERVICES = {"web", "worker", "beat", "db", "redis", "mail"}

# What the operator exports before `docker compose up`; sentinels, so they can be recognised.
OPERATOR_ENV = {
    "DJANGO_SECRET_KEY": "sentinel-secret-key-from-the-shell",
    "EW_ENCRYPTION_KEYS": "sentinel-encryption-keys-from-the-shell",
    "POSTGRES_PASSWORD": "sentinel-postgres-password",
    "POSTGRES_APP_PASSWORD": "sentinel-postgres-app-password",
}

_REFERENCE = re.compile(
    r"\$(?:(?P<escaped>\$)"
    r"|\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}"
    r"|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))"
)


class MissingVariable(Exception):
    pass


def interpolate(value, env):
    """Resolve `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR:?message}`... as Compose does."""

    def replace(match):
        if match["escaped"]:
            return "$"
        name = match["name"] or match["bare"]
        op, arg = match["op"], match["arg"]
        is_set = name in env
        is_set_and_not_empty = is_set and env[name] != ""
        if op in (":-", "-"):
            usable = is_set_and_not_empty if op == ":-" else is_set
            return env[name] if usable else arg
        if op in (":?", "?"):
            usable = is_set_and_not_empty if op == ":?" else is_set
            if not usable:
                raise MissingVariable(f"{name}: {arg}")
            return env[name]
        if op in (":+", "+"):
            usable = is_set_and_not_empty if op == ":+" else is_set
            return arg if usable else ""
        return env.get(name, "")

    return _REFERENCE.sub(replace, str(value))


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


def raw_environment(service):
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    return {key: "" if value is None else str(value) for key, value in environment.items()}


def environment(service, env=OPERATOR_ENV):
    return {key: interpolate(value, env) for key, value in raw_environment(service).items()}


def command_words(service):
    """The command as words; `sh -c "..."` is unwrapped to the words of its script."""
    command = service["command"]
    words = shlex.split(command) if isinstance(command, str) else [str(w) for w in command]
    if words[:2] in (["sh", "-c"], ["/bin/sh", "-c"], ["bash", "-c"]):
        words = shlex.split(words[2])
    return words


def contains_sequence(words, sequence):
    return any(words[i : i + len(sequence)] == sequence for i in range(len(words)))


def healthcheck_words(service):
    test = service["healthcheck"]["test"]
    if isinstance(test, str):
        return shlex.split(test)
    return [str(word) for word in test]


def dockerfile_instructions():
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    instructions, pending = [], ""
    for line in DOCKERFILE.read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        full = pending + stripped
        pending = ""
        keyword, _, arguments = full.partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
    return instructions


def final_stage(instructions):
    starts = [i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM"]
    return instructions[starts[-1] :]


# --- docker-compose.yml -------------------------------------------------------------------


def test_compose_defines_the_six_services(services):
    assert set(services) == ALL_SERVICES


def test_app_services_share_one_image(services):
    web = services["web"]
    assert web.get("build"), "web must be built from the Dockerfile"
    context = web["build"]["context"] if isinstance(web["build"], dict) else web["build"]
    dockerfile = (
        web["build"].get("dockerfile", "Dockerfile")
        if isinstance(web["build"], dict)
        else "Dockerfile"
    )
    assert (ROOT / context / dockerfile).resolve() == DOCKERFILE
    for name in ("worker", "beat"):
        assert services[name].get("build") == web["build"], name
        assert services[name].get("image") == web.get("image"), name
    assert web.get("image"), "a shared image name keeps one build for the three services"


def test_app_services_reach_postgres_redis_and_mail_by_service_name(services):
    for name in APP_SERVICES:
        env = environment(services[name])
        assert env["EW_ENV"] == "production", name

        database = urlsplit(env["DATABASE_URL"])
        assert database.scheme in {"postgres", "postgresql"}, name
        assert database.hostname == "db", name
        assert database.port == 5432, name

        redis = urlsplit(env["REDIS_URL"])
        assert redis.scheme == "redis", name
        assert redis.hostname == "redis", name

        assert env["EMAIL_HOST"] == "mail", name
        assert env["EMAIL_PORT"] == "1025", name


def test_the_platform_connects_as_a_role_that_owns_no_table_and_only_web_migrates_as_owner(
    services,
):
    db_env = environment(services["db"])
    for name in APP_SERVICES:
        env = environment(services[name])
        database = urlsplit(env["DATABASE_URL"])
        assert database.username == "ewatch_app" != db_env["POSTGRES_USER"], name
        assert database.password == OPERATOR_ENV["POSTGRES_APP_PASSWORD"], name
        assert database.path.lstrip("/") == db_env["POSTGRES_DB"], name
        assert ("DATABASE_OWNER_URL" in env) == (name == "web"), name
    owner = urlsplit(environment(services["web"])["DATABASE_OWNER_URL"])
    assert (owner.username, owner.password) == (
        db_env["POSTGRES_USER"],
        db_env["POSTGRES_PASSWORD"],
    )
    assert (owner.hostname, owner.path) == ("db", "/" + db_env["POSTGRES_DB"])
    assert "migrate --noinput" in " ".join(services["web"]["command"])


@pytest.mark.parametrize("secret", ["DJANGO_SECRET_KEY", "EW_ENCRYPTION_KEYS"])
def test_secret_keys_are_required_from_the_environment(services, secret):
    for name in APP_SERVICES:
        raw = raw_environment(services[name])[secret]
        assert re.fullmatch(rf"\$\{{{secret}:\?[^}}]+\}}", raw), (name, raw)
        assert environment(services[name])[secret] == OPERATOR_ENV[secret]
        without_key = {k: v for k, v in OPERATOR_ENV.items() if k != secret}
        with pytest.raises(MissingVariable, match=secret):
            environment(services[name], without_key)
        with pytest.raises(MissingVariable, match=secret):
            environment(services[name], {**OPERATOR_ENV, secret: ""})


@pytest.mark.parametrize(
    ("password", "needed_by"),
    [("POSTGRES_PASSWORD", ("web", "db")), ("POSTGRES_APP_PASSWORD", APP_SERVICES)],
)
def test_postgres_passwords_are_required_from_the_environment(services, password, needed_by):
    without_password = {k: v for k, v in OPERATOR_ENV.items() if k != password}
    for name in needed_by:
        with pytest.raises(MissingVariable, match=password):
            environment(services[name], without_password)


def test_no_literal_secret_in_compose_file(services):
    secret_names = re.compile(r"SECRET|PASSWORD|TOKEN|API_KEY|PRIVATE_KEY", re.IGNORECASE)
    required_reference = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*:?\?[^}]*\}")
    for name, service in services.items():
        for key, value in raw_environment(service).items():
            if secret_names.search(key):
                assert required_reference.fullmatch(value), f"{name}.{key} holds {value!r}"
            if key.endswith("_URL"):
                password = urlsplit(interpolate(value, OPERATOR_ENV)).password
                assert password in (
                    None,
                    OPERATOR_ENV["POSTGRES_PASSWORD"],
                    OPERATOR_ENV["POSTGRES_APP_PASSWORD"],
                ), f"{name}.{key}"
    # Nothing that looks like a generated key either.
    assert not re.search(r"django-insecure|[A-Za-z0-9_-]{40,}", COMPOSE_FILE.read_text())


def test_app_services_wait_for_healthy_postgres_and_redis(services):
    for name in APP_SERVICES:
        depends_on = services[name]["depends_on"]
        assert isinstance(depends_on, dict), f"{name}: depends_on needs conditions"
        for dependency in ("db", "redis"):
            assert depends_on[dependency]["condition"] == "service_healthy", (name, dependency)


def test_postgres_and_redis_report_their_health(services):
    db_check = healthcheck_words(services["db"])
    assert "pg_isready" in db_check
    redis_check = healthcheck_words(services["redis"])
    assert contains_sequence(redis_check, ["redis-cli", "ping"])
    assert services["db"]["image"].startswith("postgres:17")
    assert services["redis"]["image"].startswith("redis:7")


def test_postgres_data_lives_in_a_named_volume(compose, services):
    volume_names = {str(volume).split(":")[0] for volume in services["db"]["volumes"]}
    assert volume_names & set(compose["volumes"])


def test_worker_runs_celery_worker_for_config_app(services):
    assert contains_sequence(
        command_words(services["worker"]), ["celery", "-A", "config", "worker"]
    )


def test_beat_runs_celery_beat_with_schedule_on_a_volume(compose, services):
    words = command_words(services["beat"])
    assert contains_sequence(words, ["celery", "-A", "config", "beat"])
    schedule = Path(words[words.index("--schedule") + 1])
    mounts = dict(str(volume).split(":")[1::-1] for volume in services["beat"]["volumes"])
    mounted_at = [target for target in mounts if schedule.is_relative_to(target)]
    assert mounted_at, f"{schedule} is not on a volume"
    assert mounts[mounted_at[0]] in compose["volumes"]


def test_web_migrates_then_runs_gunicorn_with_config_wsgi(services):
    web = services["web"]
    words = command_words(web)
    assert contains_sequence(words, ["manage.py", "migrate", "--noinput"])
    gunicorn = words.index("gunicorn")
    assert words.index("migrate") < gunicorn
    assert words[gunicorn + 1] == "config.wsgi:application"
    assert "0.0.0.0:8000" in words
    assert any(str(port).endswith(":8000") for port in web["ports"])


def test_media_volume_is_shared_by_web_and_worker(compose, services):
    def media_volume(name):
        media_root = environment(services[name])["MEDIA_ROOT"]
        mounts = dict(str(volume).split(":")[1::-1] for volume in services[name]["volumes"])
        return mounts.get(media_root)

    assert environment(services["web"])["MEDIA_ROOT"] == "/data/media"
    assert media_volume("web") is not None
    assert media_volume("web") == media_volume("worker")
    assert media_volume("web") in compose["volumes"]


def test_ssl_redirect_choice_is_explicit(services):
    for name in APP_SERVICES:
        assert "DJANGO_SECURE_SSL_REDIRECT" in raw_environment(services[name]), name
    assert environment(services["web"])["DJANGO_SECURE_SSL_REDIRECT"] == "false"


def test_mailpit_takes_smtp_on_1025_and_serves_its_ui_on_8025(services):
    mail = services["mail"]
    assert mail["image"].startswith("axllent/mailpit")
    assert any(str(port).endswith(":8025") for port in mail["ports"])
    assert "1025" in [str(port) for port in mail.get("expose", [])]


# --- Dockerfile and .dockerignore ---------------------------------------------------------


def test_image_starts_from_python_311_slim_bookworm():
    assert "python:3.11-slim-bookworm" in DOCKERFILE.read_text()


def test_image_installs_locked_dependencies_with_frozen_uv_sync():
    instructions = dockerfile_instructions()
    runs = [(i, args) for i, (keyword, args) in enumerate(instructions) if keyword == "RUN"]
    syncs = [(i, args) for i, args in runs if "uv sync" in args]
    assert syncs, "no `uv sync` in the Dockerfile"
    for i, args in syncs:
        assert "--frozen" in args.split()
        assert "--no-dev" in args.split()
        lock_copied = [
            j
            for j, (keyword, copied) in enumerate(instructions[:i])
            if keyword == "COPY" and "uv.lock" in copied.split()
        ]
        assert lock_copied, "uv.lock must be copied before `uv sync`"

    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    locked_uv = next(p["version"] for p in lock["package"] if p["name"] == "uv")
    assert any(f"pip install uv=={locked_uv}" in args for _, args in runs)


def test_image_collects_static_files_without_baking_a_secret():
    instructions = dockerfile_instructions()
    collect = [
        args for keyword, args in instructions if keyword == "RUN" and "collectstatic" in args
    ]
    assert collect and "--noinput" in collect[0]
    assert "EW_ENV=production" in collect[0]
    assert "DJANGO_SECRET_KEY=" in collect[0]
    assert "EW_ENCRYPTION_KEYS=" in collect[0]
    for keyword, args in instructions:
        if keyword in {"ENV", "ARG", "LABEL"}:
            assert "SECRET" not in args.upper(), f"{keyword} {args}"


def test_image_does_not_run_as_root():
    users = [args for keyword, args in final_stage(dockerfile_instructions()) if keyword == "USER"]
    assert users, "no USER in the final stage"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}


def test_image_exposes_port_8000_and_serves_with_gunicorn():
    instructions = final_stage(dockerfile_instructions())
    exposed = [
        port for keyword, args in instructions if keyword == "EXPOSE" for port in args.split()
    ]
    assert "8000" in exposed or "8000/tcp" in exposed
    cmd = [args for keyword, args in instructions if keyword == "CMD"][-1]
    assert "gunicorn" in cmd
    assert "config.wsgi:application" in cmd
    assert "0.0.0.0:8000" in cmd


def test_dockerignore_keeps_local_state_out_of_the_build_context():
    patterns = {
        line.strip().strip("/").removeprefix("**/")
        for line in DOCKERIGNORE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    for required in (".venv", ".local", ".git", "__pycache__"):
        assert required in patterns, required

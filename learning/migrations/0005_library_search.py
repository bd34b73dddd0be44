# Full-text search of the library: accent-insensitive configurations per language, a stored,
# weighted search vector per resource version kept by a trigger, and its GIN index.

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.conf import settings
from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

# language of a version → (our configuration, the PostgreSQL configuration it copies).
# Kept in step with learning.services.library.SEARCH_CONFIGS (a migration imports no app code).
CONFIGS = {
    "en": ("ew_english", "english"),
    "fr": ("ew_french", "french"),
    "de": ("ew_german", "german"),
    "es": ("ew_spanish", "spanish"),
    "nl": ("ew_dutch", "dutch"),
    "sv": ("ew_swedish", "swedish"),
}
FALLBACK = ("ew_simple", "simple")

_create = []
_drop = []
for name, source in [*CONFIGS.values(), FALLBACK]:
    stem = "simple" if source == "simple" else f"{source}_stem"
    _create.append(
        f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = pg_catalog.{source});"
        # Accents are removed before stemming, in documents and queries alike:
        # "défaillance" and "defaillance" are the same word.
        f"ALTER TEXT SEARCH CONFIGURATION {name} ALTER MAPPING FOR "
        f"hword, hword_part, word WITH unaccent, {stem};"
    )
    _drop.append(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name};")

_cases = " ".join(f"WHEN '{code}' THEN '{name}'" for code, (name, _) in CONFIGS.items())

TRIGGER = f"""
CREATE FUNCTION learning_resourceversion_search_vector() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    config regconfig := (CASE NEW.language {_cases} ELSE '{FALLBACK[0]}' END)::regconfig;
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector(config, coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector(config, coalesce(NEW.summary, '')), 'B')
        || setweight(to_tsvector(config, coalesce(NEW.body, '')), 'C');
    RETURN NEW;
END
$$;
CREATE TRIGGER learning_resourceversion_search
    BEFORE INSERT OR UPDATE ON learning_resourceversion
    FOR EACH ROW EXECUTE FUNCTION learning_resourceversion_search_vector();
UPDATE learning_resourceversion SET title = title;
"""

UNTRIGGER = """
DROP TRIGGER IF EXISTS learning_resourceversion_search ON learning_resourceversion;
DROP FUNCTION IF EXISTS learning_resourceversion_search_vector();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0004_events"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        UnaccentExtension(),
        migrations.RunSQL(sql="".join(_create), reverse_sql="".join(reversed(_drop))),
        migrations.AddField(
            model_name="resourceversion",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="resourceversion",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="resource_version_search"
            ),
        ),
        migrations.RunSQL(sql=TRIGGER, reverse_sql=UNTRIGGER),
    ]

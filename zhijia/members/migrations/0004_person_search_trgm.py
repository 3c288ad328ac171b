"""Member search at city and province scale (PostgreSQL only; nothing on SQLite): trigram GIN
indexes for the "contains" search of members.selectors.registry.member_search.

- name: indexed as `regexp_replace(lower(name), '(.)', '\\1\\1', 'g')` — every character
  doubled — because most Chinese names are two or three characters and a two-character pattern
  has no trigram of its own: doubled, 张三 becomes 张张三三 (two trigrams). A string contains
  another exactly when their doubled forms do, so the search stays a plain "contains".
- name_pinyin (contains) and name_initials (prefix: trigrams padded at the start) as they are.
"""

from django.db import migrations

DOUBLED = r"regexp_replace(lower(name), '(.)', '\1\1', 'g')"

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX IF NOT EXISTS person_name_trgm ON members_person USING gin (({DOUBLED}) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS person_pinyin_trgm ON members_person USING gin (name_pinyin gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS person_initials_trgm ON members_person USING gin (name_initials gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS person_name_trgm",
    "DROP INDEX IF EXISTS person_pinyin_trgm",
    "DROP INDEX IF EXISTS person_initials_trgm",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("members", "0003_consent_basis")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]

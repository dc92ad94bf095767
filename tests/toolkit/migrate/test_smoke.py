import psycopg


def test_migrated_db_has_schema(migrated_db: str) -> None:
    with psycopg.connect(migrated_db) as conn:
        row = conn.execute("SELECT count(*) FROM xferity.schema_migrations").fetchone()
        assert row is not None and row[0] >= 1

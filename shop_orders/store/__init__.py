"""The order store: tables, engine and sessions, queries, audit chain, migrations. No Qt here."""

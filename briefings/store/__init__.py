"""The store: the database layer, the fact store, full text, name matching, migrations, removal's SQL helpers, the copy to PostgreSQL."""

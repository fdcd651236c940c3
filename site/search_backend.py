"""Wagtail's database search backend, with search terms containing ``"`` made safe on SQLite.

modelsearch's SQLite FTS5 backend wraps each term in double quotes without escaping
the quotes inside it, so a search for ``a"b`` is an FTS5 syntax error (a 500). FTS5
escapes a quote by doubling it. PostgreSQL (production) gets modelsearch's own backend
untouched; the SQLite module is imported only on SQLite (its models exist only there).
"""

from functools import cache

from modelsearch.backends import database
from modelsearch.query import PlainText


def _quoted(query):
    if isinstance(query, PlainText) and '"' in query.query_string:
        return PlainText(query.query_string.replace('"', '""'), operator=query.operator)
    return query


@cache
def quoted_sqlite_backend_class():
    """modelsearch's SQLite FTS5 backend; quotes inside search terms are escaped."""
    from modelsearch.backends.database.sqlite import sqlite

    class QuotedSearchQueryCompiler(sqlite.SQLiteSearchQueryCompiler):
        def build_search_query_content(self, query, config=None):
            return super().build_search_query_content(_quoted(query), config)

    class QuotedAutocompleteQueryCompiler(sqlite.SQLiteAutocompleteQueryCompiler):
        def build_search_query_content(self, query, config=None):
            return super().build_search_query_content(_quoted(query), config)

    class QuotedSQLiteSearchBackend(sqlite.SQLiteSearchBackend):
        query_compiler_class = QuotedSearchQueryCompiler
        autocomplete_query_compiler_class = QuotedAutocompleteQueryCompiler

    return sqlite.SQLiteSearchBackend, QuotedSQLiteSearchBackend


def SearchBackend(params):
    """The backend modelsearch picks for the database, quoting fixed on SQLite."""
    backend = database.SearchBackend(params)
    if type(backend).__module__.endswith(".sqlite.sqlite"):
        original, quoted = quoted_sqlite_backend_class()
        if type(backend) is original:
            return quoted(params)
    return backend

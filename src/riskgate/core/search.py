"""Full-text search in Chinese and English: jieba tokens stored beside the text, indexed per database.

Tokens are jieba's search-mode segmentation (so 锂电池 yields 锂电 电池 锂电池), case-folded, joined by
spaces; beside each English word its Snowball stem is stored too (dressers → dresser, batteries → batteri).
SQLite indexes them in an FTS5 table kept in step by triggers; PostgreSQL in a GIN index over
to_tsvector('simple', tokens). A query is segmented the same way, its English words replaced by their stems
(`query_terms`), and every query term must match: "dresser" finds "dressers" and "recalled" finds "recall".
"""

import logging
import re
import threading
from collections.abc import Iterable
from contextlib import contextmanager
from functools import lru_cache

import jieba
import Stemmer
from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

jieba.setLogLevel(logging.WARNING)
_WORD = re.compile(r"\w", re.UNICODE)
_WORDS = re.compile(r"\w+", re.UNICODE)
# Runs of Han characters (CJK unified ideographs and extensions, compatibility ideographs) go to jieba;
# everything else is split into words directly, which is what jieba would do with it, only much faster.
_HAN_RUNS = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]+)")


@lru_cache(maxsize=50_000)
def _han(run: str) -> tuple[str, ...]:
    """jieba's segmentation of one run of Han characters (product and hazard phrases recur: cached)."""
    return tuple(w for w in jieba.cut_for_search(run) if _WORD.search(w))


def tokens(*texts: str | None) -> list[str]:
    words: list[str] = []
    for text in texts:
        if not text:
            continue
        for i, part in enumerate(_HAN_RUNS.split(str(text))):
            if i % 2:
                words.extend(_han(part))
            elif part:
                words.extend(_WORDS.findall(part.casefold()))
    return words


_ENGLISH = re.compile(r"[a-z]{3,}")  # a case-folded English word: stemmed
_stemmers = threading.local()  # a PyStemmer stemmer is not to be shared between threads


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The Snowball (Porter 2) English stem of a case-folded word of three letters or more; any other token as
    it is."""
    if not _ENGLISH.fullmatch(word):
        return word
    stemmer = getattr(_stemmers, "english", None)
    if stemmer is None:
        stemmer = _stemmers.english = Stemmer.Stemmer("english")
    return stemmer.stemWord(word)


def with_stems(words: Iterable[str]) -> list[str]:
    """The stored terms of some tokens: each once, in first-seen order, an English word followed by its stem."""
    found: dict[str, None] = {}
    for word in words:
        found[word] = None
        found[stem(word)] = None
    return list(found)


def query_terms(query: str | None) -> list[str]:
    """What a search asks for: its tokens, English words as their stems, each once."""
    return list(dict.fromkeys(map(stem, tokens(query))))


def token_text(*texts: str | None) -> str:
    """The stored token column: unique tokens and the stems of the English ones, in first-seen order."""
    return " ".join(with_stems(tokens(*texts)))


def fts_table(model) -> str:
    return f"{model._meta.db_table}_fts"


def matching(queryset: QuerySet, query: str, column: str = "search_tokens") -> QuerySet:
    """Rows whose tokens contain every term of the query (no terms: the queryset unchanged)."""
    words = query_terms(query)
    if not words:
        return queryset
    if connection.vendor == "postgresql":
        table = queryset.model._meta.db_table
        sql = f"to_tsvector('simple', \"{table}\".\"{column}\") @@ to_tsquery('simple', %s)"  # noqa: S608
        ts_query = " & ".join("'" + w.replace("'", "''").replace("\\", "") + "'" for w in words)
        return queryset.extra(where=[sql], params=[ts_query])  # noqa: S610 - parameters are bound
    fts_query = " AND ".join('"' + w.replace('"', '""') + '"' for w in words)
    # The table name comes from the model's metadata, never from input; the query text is a bound parameter.
    table = fts_table(queryset.model)
    ids = RawSQL(f"SELECT rowid FROM {table} WHERE {table} MATCH %s", [fts_query])  # noqa: S608, S611
    return queryset.filter(pk__in=ids)


def _add(table: str, column: str) -> str:
    return f"INSERT INTO {table}_fts(rowid, {column}) VALUES (new.id, new.{column});"  # noqa: S608


def _insert_trigger_sql(table: str, column: str) -> str:
    return f"CREATE TRIGGER IF NOT EXISTS {table}_fts_ai AFTER INSERT ON {table} BEGIN {_add(table, column)} END"


def sqlite_fts_sql(table: str, column: str = "search_tokens") -> list[str]:
    """DDL of the FTS5 index and its triggers (SQLite); names come from migrations, never from input."""
    fts = f"{table}_fts"
    remove = f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column});"  # noqa: S608
    add = _add(table, column)
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({column}, content='{table}', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 0')",
        _insert_trigger_sql(table, column),
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {table} BEGIN {remove} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF {column} ON {table} BEGIN {remove} {add} END",
    ]


def create_search_index(connection, table: str, column: str = "search_tokens") -> None:
    """The full-text index of a table's token column: FTS5 with triggers (SQLite) or a GIN expression index
    (PostgreSQL). For migrations; names come from migrations, never from input."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for statement in sqlite_fts_sql(table, column):
                cursor.execute(statement)
        elif connection.vendor == "postgresql":
            cursor.execute(f"CREATE INDEX {table}_search ON {table} USING GIN (to_tsvector('simple', {column}))")


def drop_search_index(connection, table: str) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"DROP TABLE IF EXISTS {table}_fts")
            for suffix in ("ai", "ad", "au"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{suffix}")
        elif connection.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {table}_search")


def ensure_sqlite_fts(connection, table: str, column: str = "search_tokens") -> None:
    """Create what is missing of the FTS5 index and its triggers, then rebuild the index from the table.

    SQLite drops a table's triggers whenever Django rebuilds the table (adding or altering a column), so
    every migration that changes an indexed table must end with this (see docs/decisions/0005-intake.md).
    """
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for statement in sqlite_fts_sql(table, column):
            cursor.execute(statement)
        cursor.execute(f"INSERT INTO {table}_fts({table}_fts) VALUES ('rebuild')")  # noqa: S608


@contextmanager
def deferred_indexing(model, column: str = "search_tokens"):
    """Rows inserted into the model's table inside the block are indexed together when it ends, by one
    INSERT … SELECT, instead of one by one by the insert trigger: several times faster for a batch of
    thousands (bench/intake). SQLite only (PostgreSQL's index is an expression index); inside a transaction.

    The block is a savepoint that drops the insert trigger and creates it again at its end; SQLite's DDL is
    transactional and it has one writer at a time, so no other connection ever sees the table without its
    trigger, and a failure rolls the trigger back with the rows. The ids increase (AUTOINCREMENT), so the
    rows above the largest id at entry are the block's.
    """
    if connection.vendor != "sqlite":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("deferred_indexing must run inside a transaction")
    table = model._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 - names come from the model
        (before,) = cursor.fetchone()
        cursor.execute(f"DROP TRIGGER {table}_fts_ai")
        yield
        cursor.execute(
            f"INSERT INTO {table}_fts(rowid, {column}) SELECT id, {column} FROM {table} WHERE id > %s",  # noqa: S608
            [before],
        )
        cursor.execute(_insert_trigger_sql(table, column))

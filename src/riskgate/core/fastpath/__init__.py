"""The only place where code goes around the ORM, each path for a measured reason (docs/decisions/0011,
bench/RESULTS.md) and each with a test that it stores or reads exactly what the ORM would:

* `bulk` — multi-row INSERT/UPDATE statements with ids set in order (imports, the screening request's
  decisions and tasks); tests/targeting/test_rules.py::test_the_hot_path_stores_what_the_orm_would_store and the
  intake import tests.
* `lookup` — ids of rows matching thousands of values by one parameter, and rows without the ORM's per-value
  converters (imports, link detection); tests/intake/test_import.py::test_the_fast_lookups_equal_the_orm.
* `joined` — one row with its foreign-key target, read by one kept statement (the API token on every API
  request); tests/accounts/test_api_tokens.py::test_the_token_is_read_as_the_orm_reads_it.

Everything else uses the plain ORM."""

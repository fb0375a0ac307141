"""The ground floor: what every app builds on. It imports no domain app (tests/site/test_anatomy.py).

- models: regions, HS codes, the audit trail, notifications; abstract bases TimeStamped, Created, Scoped and
  Versioned (a lineage of versions with its reference, start_lineage and supersede)
- scoping: ScopedQuerySet.visible_to(principal), the one place that decides what a principal may read
- principal: the Principal protocol; person(), require_person(), is_token()
- permissions, access: the permission enumeration; permission_required, require, pk_or_404, MAX_ID
- actions: Action and dispatch, every page's POST actions
- api_support: the API's session authentication, error format, pagination, require_caller
- audit: the hash-chained audit trail
- jobs: enqueue_on_commit(task_name, *args)
- evidence: uploaded files checked by content, size and digest
- vocabulary: WarningLevel, HazardType, Urgency
- admin: the admin site and AuditedAdmin
- search, countries, reference, addresses, crypto, notifications, ratelimit, validators, forms, frames, db,
  context, middleware, errors: Chinese search tokens, countries, reference data, URLs, encrypted fields,
  notifications, rate limits, USCC checks, form helpers, frame options, database set-up, request context,
  middleware, error bodies
- fastpath/: the only code that goes around the ORM (bulk, lookup, joined), each with a test that it equals it

The anatomy of an app and the order of the floors: docs/decisions/0013-app-anatomy.md."""

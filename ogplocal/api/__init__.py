"""The REST API under /api/v1/ (issue 9): the same business actions and restricted querysets as
the pages, one error shape, personal tokens, a schema at /api/schema/ and docs at /api/docs/."""

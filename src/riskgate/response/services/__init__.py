"""Writes of rapid response (validate, save, audit, queue on commit): measures, obligations, recalls, and lifting
a warning with everything that rests on it."""

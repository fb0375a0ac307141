"""Reads of rapid response, always scoped to the principal: measures, obligations, recalls, and what concerns an
enterprise."""

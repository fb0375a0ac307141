"""Pages of rapid response: measures, obligations, recalls (with the public recall notices)."""

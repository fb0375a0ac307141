"""Risk warnings (风险预警): levels, kinds, authority rules, lifecycle and publication (issue 5)."""

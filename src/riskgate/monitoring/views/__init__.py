"""The monitoring app's pages: signals (`signals`), plans and points (`plans`), monitoring records (`samples`),
spot checks and the portal's public pages (`spotchecks`)."""

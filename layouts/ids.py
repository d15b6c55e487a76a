"""Every component id of the dashboard, defined once (kebab-case with a page prefix)."""

HOME_PROFILES = "home-profiles"

"""Reading, computing and keeping a query's metrics (the CLI and the dashboard share them)."""

# Weeks of weekly review the standalone HTML report and the CSVs show unless told (``--weeks``).
DEFAULT_REVIEW_WEEKS = 12

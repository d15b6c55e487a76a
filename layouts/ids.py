"""Every component id of the dashboard, defined once (kebab-case with a page prefix).

Layouts and callbacks import these names; no id string is written anywhere else. Repeated widgets
use dict ids built by the small functions at the end (pattern-matching callbacks).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class JobIds:
    """The controls of one long job (fetch, backfill, migration): the button disabled while it
    runs, Cancel and what Cancel answers, the progress bar and message, the poller every tab runs,
    and the store that remembers whether this tab's poller saw the job running."""

    start: str
    cancel: str
    cancel_result: str
    progress: str
    message: str
    poll: str
    seen_active: str


# Shell ----------------------------------------------------------------------------------------
URL = "shell-url"
PAGE = "shell-page"
ALERTS = "shell-alerts"
NAV = "shell-nav"
THEME_SWITCH = "shell-theme-switch"
SELECTION = "shell-selection"
"""The active ``{"profile": id, "query": id}``; every page renders from it."""
SELECTION_VERSION = "shell-selection-version"
"""A counter bumped whenever profiles or queries change, so the selectors reload their options."""
DATA_VERSION = "shell-data-version"
"""A counter bumped when a query's data changed (fetch, import, backfill), so pages re-render."""

# Header -----------------------------------------------------------------------------------------
HEADER_PROFILE = "header-profile"
HEADER_QUERY = "header-query"
HEADER_LAST_SYNC = "header-last-sync"
HEADER_FETCH = "header-fetch"
HEADER_FULL_FETCH = "header-full-fetch"
HEADER_CANCEL = "header-cancel"
HEADER_PROGRESS = "header-progress"
HEADER_PROGRESS_MESSAGE = "header-progress-message"
HEADER_PROGRESS_POLL = "header-progress-poll"
HEADER_POLL_SEEN_ACTIVE = "header-poll-seen-active"
HEADER_FETCH_RESULT = "header-fetch-result"
HEADER_FETCH_RETRY = "header-fetch-retry"
"""In a fetch's alert when JIRA did not answer or was busy: fetches again, as Fetch does."""
HEADER_CANCEL_RESULT = "header-cancel-result"
HEADER_REPORT = "header-report"
"""Download report: the standalone HTML report of the selected query."""
HEADER_REPORT_DOWNLOAD = "header-report-download"
HEADER_REPORT_RESULT = "header-report-result"
FETCH_JOB = JobIds(
    HEADER_FETCH,
    HEADER_CANCEL,
    HEADER_CANCEL_RESULT,
    HEADER_PROGRESS,
    HEADER_PROGRESS_MESSAGE,
    HEADER_PROGRESS_POLL,
    HEADER_POLL_SEEN_ACTIVE,
)

# Forecast ---------------------------------------------------------------------------------------
FORECAST_CARDS = "forecast-cards"
FORECAST_BURNDOWN = "forecast-burndown"
FORECAST_BURNUP = "forecast-burnup"
FORECAST_THROUGHPUT = "forecast-throughput"
FORECAST_SCOPE = "forecast-scope"
FORECAST_UNIT = "forecast-unit"
"""The Items / Points switch; every Forecast chart and card is drawn in the chosen unit."""
FORECAST_UNIT_STORE = "forecast-unit-store"
"""The chosen unit, kept per browser (local storage) across queries, pages and reloads."""
FORECAST_UNIT_NOTE = "forecast-unit-note"
FORECAST_UNIT_SHOWN = "forecast-unit-shown"
"""The unit the rendered page is drawn in (the switch stores only a change from it)."""
FORECAST_HEALTH = "forecast-health"
FORECAST_SCOPE_MODEL = "forecast-scope-model"
"""Fixed or growing scope: which Monte Carlo forecast the profile shows (saved with it)."""
FORECAST_SCOPE_NOTE = "forecast-scope-note"
FORECAST_FINISH_DATES = "forecast-finish-dates"
FORECAST_HOW_MANY = "forecast-how-many"
FORECAST_HOW_MANY_DATE = "forecast-how-many-date"
FORECAST_EPICS_VIEW = "forecast-epics-view"
FORECAST_EPICS = "forecast-epics"
"""The Epics view's table (or its sentence), redrawn when the sub-task counting changes."""
FORECAST_EPICS_TABLE = "forecast-epics-table"
FORECAST_EPICS_COUNTING = "forecast-epics-counting"

# Flow -------------------------------------------------------------------------------------------
FLOW_METRICS = "flow-metrics"
FLOW_SCATTER = "flow-scatter"
FLOW_HISTOGRAM = "flow-histogram"
FLOW_CFD = "flow-cfd"
FLOW_AGEING = "flow-ageing"
FLOW_AGEING_TABLE = "flow-ageing-table"
FLOW_QUALITY = "flow-quality"
FLOW_PAST_P85_TABLE = "flow-past-p85-table"
FLOW_BLOCKED = "flow-blocked"
FLOW_BLOCKED_TABLE = "flow-blocked-table"
FLOW_STALE_TABLE = "flow-stale-table"
FLOW_NET_FLOW = "flow-net-flow"
FLOW_WIP_RUN = "flow-wip-run"
FLOW_DEFECTS = "flow-defects"
FLOW_DEFECT_CARDS = "flow-defect-cards"

# Sprints ----------------------------------------------------------------------------------------
SPRINTS_PICKER = "sprints-picker"
SPRINTS_UNIT = "sprints-unit"
SPRINTS_CONTENT = "sprints-content"
"""The chosen sprint's charts and tables, redrawn when the picker or the unit changes."""
SPRINTS_NOTICE = "sprints-notice"
SPRINTS_BURNDOWN = "sprints-burndown"
SPRINTS_SCOPE_TABLE = "sprints-scope-table"
SPRINTS_VELOCITY = "sprints-velocity"
SPRINTS_FORECAST = "sprints-forecast"

# DORA -------------------------------------------------------------------------------------------
DORA_CARDS = "dora-cards"
DORA_TIER_SET = "dora-tier-set"
DORA_TRENDS = "dora-trends"

# Weekly review ----------------------------------------------------------------------------------
REVIEW_WEEKS = "review-weeks"
REVIEW_CONTENT = "review-content"
REVIEW_TRENDS = "review-trends"
REVIEW_DELTAS = "review-deltas"
REVIEW_DRIFT = "review-drift"
REVIEW_DEADLINE = "review-deadline"
REVIEW_SPRINTS = "review-sprints"
REVIEW_SIGNOFF_WEEK = "review-signoff-week"
REVIEW_SIGNOFF_NOTES = "review-signoff-notes"
REVIEW_SIGNOFF_NAME = "review-signoff-name"
REVIEW_SIGNOFF_BUTTON = "review-signoff-button"
REVIEW_SIGNOFF_RESULT = "review-signoff-result"
REVIEW_SIGNOFFS = "review-signoffs"
REVIEW_BACKFILL = "review-backfill"
REVIEW_BACKFILL_RESULT = "review-backfill-result"
REVIEW_BACKFILL_WEEKS = "review-backfill-weeks"
REVIEW_BACKFILL_CANCEL = "review-backfill-cancel"
REVIEW_BACKFILL_CANCEL_RESULT = "review-backfill-cancel-result"
REVIEW_BACKFILL_PROGRESS = "review-backfill-progress"
REVIEW_BACKFILL_MESSAGE = "review-backfill-message"
REVIEW_BACKFILL_POLL = "review-backfill-poll"
REVIEW_BACKFILL_SEEN_ACTIVE = "review-backfill-seen-active"
BACKFILL_JOB = JobIds(
    REVIEW_BACKFILL,
    REVIEW_BACKFILL_CANCEL,
    REVIEW_BACKFILL_CANCEL_RESULT,
    REVIEW_BACKFILL_PROGRESS,
    REVIEW_BACKFILL_MESSAGE,
    REVIEW_BACKFILL_POLL,
    REVIEW_BACKFILL_SEEN_ACTIVE,
)

# Plans ------------------------------------------------------------------------------------------
PLANS_CONTENT = "plans-content"
PLANS_RESULT = "plans-result"
PLANS_CURRENT = "plans-current"
PLANS_NAME = "plans-name"
PLANS_TYPE = "plans-type"
PLANS_ITEMS = "plans-items"
PLANS_DEADLINE = "plans-deadline"
PLANS_SUMMARY = "plans-summary"
PLANS_SAVE = "plans-save"
PLANS_HISTORY = "plans-history"
PLANS_DIFF_A = "plans-diff-a"
PLANS_DIFF_B = "plans-diff-b"
PLANS_DIFF = "plans-diff"
PLANS_ROLLBACK_VERSION = "plans-rollback-version"
PLANS_ROLLBACK = "plans-rollback"
PLANS_ACTION_NOTES = "plans-action-notes"
PLANS_SUBMIT = "plans-submit"
PLANS_APPROVE = "plans-approve"
PLANS_REJECT = "plans-reject"
PLANS_BASELINE = "plans-baseline"

# Settings ---------------------------------------------------------------------------------------
SETTINGS_PROFILE_NAME = "settings-profile-name"
SETTINGS_PROFILE_CREATE = "settings-profile-create"
SETTINGS_PROFILE_RENAME = "settings-profile-rename"
SETTINGS_PROFILE_DUPLICATE = "settings-profile-duplicate"
SETTINGS_PROFILE_DELETE = "settings-profile-delete"
SETTINGS_PROFILE_DELETE_CONFIRM = "settings-profile-delete-confirm"
SETTINGS_JIRA_URL = "settings-jira-url"
SETTINGS_JIRA_DEPLOYMENT = "settings-jira-deployment"
SETTINGS_JIRA_EMAIL = "settings-jira-email"
SETTINGS_JIRA_TOKEN = "settings-jira-token"
SETTINGS_JIRA_SAVE = "settings-jira-save"
SETTINGS_JIRA_TEST = "settings-jira-test"
SETTINGS_JIRA_RESULT = "settings-jira-result"
SETTINGS_MAPPING_DISCOVER = "settings-mapping-discover"
SETTINGS_MAPPING_POINTS = "settings-mapping-points"
SETTINGS_MAPPING_ROWS = "settings-mapping-rows"
SETTINGS_MAPPING_STATUSES = "settings-mapping-statuses"
SETTINGS_MAPPING_TYPES = "settings-mapping-types"
SETTINGS_MAPPING_DORA_SOURCE = "settings-mapping-dora-source"
SETTINGS_MAPPING_INCIDENT_TYPE = "settings-mapping-incident-type"
SETTINGS_MAPPING_TIER_SET = "settings-mapping-tier-set"
SETTINGS_MAPPING_SAVE = "settings-mapping-save"
SETTINGS_MAPPING_RESULT = "settings-mapping-result"
SETTINGS_FORECAST_PERT = "settings-forecast-pert"
SETTINGS_FORECAST_POINTS = "settings-forecast-points"
SETTINGS_FORECAST_DEADLINE = "settings-forecast-deadline"
SETTINGS_FORECAST_DEADLINE_LINK = "settings-forecast-deadline-link"
SETTINGS_FORECAST_MILESTONE = "settings-forecast-milestone"
SETTINGS_FORECAST_SAVE = "settings-forecast-save"
SETTINGS_FORECAST_RESULT = "settings-forecast-result"
SETTINGS_PLAN_SELF_APPROVAL = "settings-plan-self-approval"
SETTINGS_PLAN_REVIEW_RESULT = "settings-plan-review-result"
SETTINGS_QUERY_SELECT = "settings-query-select"
SETTINGS_QUERY_HINT = "settings-query-hint"
SETTINGS_QUERY_NEW = "settings-query-new"
SETTINGS_QUERY_EDITING = "settings-query-editing"
SETTINGS_QUERY_NAME = "settings-query-name"
SETTINGS_QUERY_BOARD = "settings-query-board"
SETTINGS_QUERY_JQL = "settings-query-jql"
SETTINGS_QUERY_SAVE = "settings-query-save"
SETTINGS_QUERY_DELETE = "settings-query-delete"
SETTINGS_QUERY_DELETE_CONFIRM = "settings-query-delete-confirm"
# Settings: the workflow-stage editor and the remaining mapping keys.
SETTINGS_MAPPING_CHOICES = "settings-mapping-choices"
"""Statuses, issue types and priorities offered (fetched data, plus JIRA's after Discover)."""
SETTINGS_MAPPING_TIME_ZONE = "settings-mapping-time-zone"
SETTINGS_MAPPING_BLOCKED_STATUSES = "settings-mapping-blocked-statuses"
SETTINGS_MAPPING_STALE_DAYS = "settings-mapping-stale-days"
SETTINGS_MAPPING_DEPLOYMENT_TYPES = "settings-mapping-deployment-types"
SETTINGS_MAPPING_INCIDENT_PRIORITIES = "settings-mapping-incident-priorities"
SETTINGS_STAGES = "settings-stages"
SETTINGS_STAGES_DEFAULT = "settings-stages-default"
"""The derived default stages as shown; saving stages equal to them stores none."""
SETTINGS_STAGE_ADD = "settings-stage-add"
SETTINGS_STAGES_RESET = "settings-stages-reset"
SETTINGS_COMMITTED_STAGE = "settings-committed-stage"
SETTINGS_DONE_STAGE = "settings-done-stage"
STAGE_PARTS = ("name", "statuses", "up", "down", "remove")
# Settings: health thresholds.
SETTINGS_HEALTH_SAVE = "settings-health-save"
SETTINGS_HEALTH_RESULT = "settings-health-result"
SETTINGS_HEALTH_TABLE = "settings-health-table"


def stage_control(part: str, index: object) -> dict[str, object]:
    """One control of the workflow stage at ``index`` (0-based; MATCH/ALL in callbacks)."""
    return {"type": f"settings-stage-{part}", "index": index}


# Metrics guide ----------------------------------------------------------------------------------
GUIDE_CONTENT = "guide-content"

# Data -------------------------------------------------------------------------------------------
DATA_RESULT = "data-result"
DATA_EXPORT = "data-export"
DATA_EXPORT_TOKEN = "data-export-token"
DATA_EXPORT_DOWNLOAD = "data-export-download"
DATA_IMPORT_UPLOAD = "data-import-upload"
DATA_BACKUP = "data-backup"
DATA_BACKUP_LIST = "data-backup-list"
DATA_RESTORE = "data-restore"
DATA_RESTORE_CONFIRM = "data-restore-confirm"
DATA_VERIFY = "data-verify"
DATA_MIGRATE_PATH = "data-migrate-path"
DATA_MIGRATE_DRY_RUN = "data-migrate-dry-run"
DATA_MIGRATE_RUN = "data-migrate-run"
DATA_MIGRATE_RESULT = "data-migrate-result"
DATA_MIGRATED = "data-migrated"
DATA_MIGRATE_CANCEL = "data-migrate-cancel"
DATA_MIGRATE_CANCEL_RESULT = "data-migrate-cancel-result"
DATA_MIGRATE_PROGRESS = "data-migrate-progress"
DATA_MIGRATE_MESSAGE = "data-migrate-message"
DATA_MIGRATE_POLL = "data-migrate-poll"
DATA_MIGRATE_SEEN_ACTIVE = "data-migrate-seen-active"
# Dry run is what the job disables while it runs; Migrate itself stays off until the next dry run.
MIGRATION_JOB = JobIds(
    DATA_MIGRATE_DRY_RUN,
    DATA_MIGRATE_CANCEL,
    DATA_MIGRATE_CANCEL_RESULT,
    DATA_MIGRATE_PROGRESS,
    DATA_MIGRATE_MESSAGE,
    DATA_MIGRATE_POLL,
    DATA_MIGRATE_SEEN_ACTIVE,
)
DATA_CACHE_CLEANUP = "data-cache-cleanup"
DATA_AUDIT = "data-audit"


def health_threshold(signal: str, bound: str) -> dict[str, str]:
    """The green or amber bound input of one health signal on the Settings page."""
    return {"type": "settings-health-threshold", "signal": signal, "bound": bound}


def status_mapping(status: str) -> dict[str, str]:
    """The flow-state dropdown of one JIRA status on the Settings page."""
    return {"type": "settings-status-mapping", "status": status}


def type_mapping(issue_type: str) -> dict[str, str]:
    """The flow-item dropdown of one JIRA issue type on the Settings page."""
    return {"type": "settings-type-mapping", "issue_type": issue_type}


def table_csv(table: str) -> dict[str, str]:
    """A table's "Download CSV" button (``table``: its name, e.g. ``oldest-items``)."""
    return {"type": "table-csv", "table": table}


def table_csv_data(table: str) -> dict[str, str]:
    """The table's CSV file, kept in the page for the button."""
    return {"type": "table-csv-data", "table": table}


def table_csv_download(table: str) -> dict[str, str]:
    return {"type": "table-csv-download", "table": table}


def dora_trend(key: str) -> str:
    """The weekly-trend chart of one DORA key."""
    return f"dora-trend-{key}"

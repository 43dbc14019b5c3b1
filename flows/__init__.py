"""Prefect flows: orchestration only; the work lives in ``pipeline``."""

import os

# Project defaults, overridable from the environment or a Prefect profile:
# - no outbound analytics from the embedded server (also in pyproject's [tool.prefect], which
#   Prefect reads only when run from the project folder);
# - embedded (ephemeral) server when no PREFECT_API_URL is set, so `make run` needs no server;
# - a start-up allowance above Prefect's 20 s: on a loaded 2-core machine the temporary server
#   has been seen to take longer, and a timeout there fails the whole run.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_ENABLED", "true")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")

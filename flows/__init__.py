"""Prefect flows: orchestration only; the work lives in ``pipeline``."""

import os

# No outbound analytics from the embedded Prefect server (also set in pyproject's
# [tool.prefect], which Prefect reads only when run from the project folder).
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

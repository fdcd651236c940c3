from tests.insights.conftest import browser  # noqa: F401  (the shared Chromium fixture)

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rendered body fragments are cached; ids can repeat across rolled-back tests."""
    cache.clear()
    yield
    cache.clear()

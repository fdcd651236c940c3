"""Serving explainers to readers: Wagtail's own ``serve``, a page cache for anonymous
readers, and the one event source that keeps every cache true.

- ``page_cache``: whole responses of explainers and the explainers index for anonymous,
  cookie-less GETs, in Django's cache (Redis in production via ``REDIS_URL``, so every
  web process shares it; in-process memory for ``make run``).
- ``events``: Wagtail's and Django's signals (publish, unpublish, move, delete; people,
  images and renditions, documents, topics, trials, review records, sites and settings)
  turned into one ``Change``: the pages that show what changed, found through Wagtail's
  reference index and the trials app's citing-pages provider. After the transaction
  commits, one change drives the page cache, the API cache and the CDN purge.
- ``purge``: ``wagtail.contrib.frontend_cache`` configured from the environment.
"""

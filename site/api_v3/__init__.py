"""The headless API v3 at /api/v3/: Wagtail 8's v3 API (django-ninja) with our types.

On top of Wagtail's endpoints (``pages``, ``schema``, ``sites``, ``whoami``):

- ``explainers`` (``insights/api/v3``), ``people`` (``people/api_v3.py``) and ``trials``
  (``trials/api_v3.py``), every field and every body block typed in the OpenAPI document
  (``/api/v3/openapi.json``, docs at ``/api/v3/docs/``; ``API_DOCS_ENABLED=false`` turns
  both off);
- an explainer in ``/api/v3/pages/{id}/`` has the same typed fields (its read schema is
  registered in Wagtail's content-type registry before the pages router is built);
- the editorial review's rules on the write and action endpoints (``guards.py``);
- per-client rate limits on anonymous requests (``limits.py``: 429 with ``Retry-After``);
- public reads of the content endpoints cached like v2's until a serving event, with
  ETags and 304s (``caching.py``; ``site/urls.py`` mounts ``cached_urls(api)``).

``register_types()`` (``insights/api/v3/registration.py``) runs from
``InsightsConfig.ready()``: it must run before any app imports ``wagtail.api.v3.api``
(Wagtail's redirects app does in its own ``ready()``), since the pages router builds its
schemas when imported. The API itself, with our routers, is ``site.api_v3.api.api``; the
helpers the apps' endpoints share (pagination, detail URLs) are in the top-level
``api_support`` package.
"""

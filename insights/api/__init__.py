"""The headless API for insights: the ``pages`` endpoint with explainers in full.

``views.PagesAPIViewSet`` is registered by ``site/api.py``; ``fields`` says how an
explainer reads in JSON; ``links`` resolves rich text links in bulk and to public
content only; ``preview`` signs and checks headless preview tokens.
"""

from .views import PagesAPIViewSet

__all__ = ["PagesAPIViewSet"]

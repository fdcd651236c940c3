"""The review screen: one read-only admin page per explainer in review.

What a reviewer needs to decide, without the live edit form (no autosave, nothing to
edit by mistake): the revision under review as readers will see it, what changed since
the last approved (or published) revision, the automatic checks, the cited trials beside
the registry, and the decision form bound to that revision. The decision posts to
Wagtail's own workflow-action view, so every rule of the task applies unchanged.
"""

from insights.review.screen.views import ReviewScreenView, review_url

__all__ = ["ReviewScreenView", "review_url"]

"""Treatment explainers: the index page, the explainer page and what hangs off it."""

from .explainer import (
    DISCLAIMER_REQUIRED_MESSAGE,
    ExplainerPage,
    ExplainerPageForm,
    ExplainerPageTopic,
    people_boxes,
)
from .index import InsightsIndexPage
from .relations import ExplainerPageAuthor, ExplainerTrialCitation, attach_trials

__all__ = [
    "DISCLAIMER_REQUIRED_MESSAGE",
    "ExplainerPage",
    "ExplainerPageAuthor",
    "ExplainerPageForm",
    "ExplainerPageTopic",
    "ExplainerTrialCitation",
    "InsightsIndexPage",
    "attach_trials",
    "people_boxes",
]

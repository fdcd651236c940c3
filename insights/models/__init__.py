"""Treatment explainers: the index page, the explainer page and what hangs off it."""

# The editorial review's models live in insights.review (see docs/review-workflow.md);
# importing them here registers them with the app and keeps them importable from here.
from insights.review.flags import RegistryCheckFlag, ReReviewFlag
from insights.review.records import CompletedReview, StageSignOff
from insights.review.tasks import (
    MedicalAccuracyTask,
    PrimaryResearchTask,
    RegistryVerificationTask,
    ReviewTaskState,
)

from .boxes import people_boxes
from .explainer import (
    DISCLAIMER_REQUIRED_MESSAGE,
    ExplainerPage,
    ExplainerPageForm,
    ExplainerPageTopic,
)
from .index import InsightsIndexPage
from .relations import ExplainerPageAuthor, ExplainerTrialCitation, attach_trials

__all__ = [
    "DISCLAIMER_REQUIRED_MESSAGE",
    "CompletedReview",
    "ExplainerPage",
    "ExplainerPageAuthor",
    "ExplainerPageForm",
    "ExplainerPageTopic",
    "ExplainerTrialCitation",
    "InsightsIndexPage",
    "MedicalAccuracyTask",
    "PrimaryResearchTask",
    "ReReviewFlag",
    "RegistryCheckFlag",
    "RegistryVerificationTask",
    "ReviewTaskState",
    "StageSignOff",
    "attach_trials",
    "people_boxes",
]

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

# The editorial review's models live in insights.review; importing them here registers
# them with the insights app and keeps them importable from insights.models.
from insights.review.flags import RegistryCheckFlag
from insights.review.records import CompletedReview, StageSignOff
from insights.review.tasks import (
    MedicalAccuracyTask,
    PrimaryResearchTask,
    RegistryVerificationTask,
    ReviewTaskState,
)

__all__ += [
    "CompletedReview",
    "MedicalAccuracyTask",
    "PrimaryResearchTask",
    "RegistryCheckFlag",
    "RegistryVerificationTask",
    "ReviewTaskState",
    "StageSignOff",
]

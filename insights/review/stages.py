"""The stages of the editorial review: names and groups are a contract, kept in one place."""

from dataclasses import dataclass

WORKFLOW_NAME = "Editorial review"
EDITORS_GROUP = "Editors"


@dataclass(frozen=True)
class Stage:
    """One stage of the review: its order, task name and approving group."""

    number: int
    task_name: str
    group_name: str
    verb: str  # what the reader-facing record says the stage did


PRIMARY_RESEARCH = Stage(1, "Primary research", "Research analysts", "Researched")
MEDICAL_ACCURACY = Stage(2, "Medical accuracy review", "Medical reviewers", "Medically reviewed")
REGISTRY_VERIFICATION = Stage(3, "Registry verification", "Registry verifiers", "Registry verified")

STAGES = (PRIMARY_RESEARCH, MEDICAL_ACCURACY, REGISTRY_VERIFICATION)
REVIEW_GROUPS = tuple(stage.group_name for stage in STAGES)
EDITORIAL_GROUPS = (*REVIEW_GROUPS, EDITORS_GROUP)

# The registry data a verifier relies on must be this fresh.
REGISTRY_MAX_AGE_DAYS = 7

NO_PERSON_MESSAGE = (
    "Your user account is not linked to a person, so readers could not be told who "
    "approved this stage. Ask an editor to link your user to a Person in People "
    "(Snippets, People, your entry, field 'User'), then approve again."
)

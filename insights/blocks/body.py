"""The body of an explainer: every block an editor may use."""

from wagtail import blocks

from .base import ExplainerRichTextBlock, SectionHeadingBlock
from .notices import CalloutBlock, DefinitionBlock, DisclaimerBlock
from .risks import RisksBlock
from .sources import ReferencesBlock, TrialListBlock
from .steps import StepsBlock


class ExplainerBodyBlock(blocks.StreamBlock):
    """Everything an explainer's body may hold."""

    heading = SectionHeadingBlock()
    paragraph = ExplainerRichTextBlock()
    steps = StepsBlock()
    risks = RisksBlock()
    definition = DefinitionBlock()
    callout = CalloutBlock()
    trial_list = TrialListBlock()
    references = ReferencesBlock()
    disclaimer = DisclaimerBlock()

    class Meta:
        block_counts = {"disclaimer": {"max_num": 1}}

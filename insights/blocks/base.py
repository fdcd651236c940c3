"""Shared pieces of the explainer blocks: validators, rich text, headings."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.text import slugify
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.rich_text import RichText, expand_db_html

NCT_ID_PATTERN = r"NCT\d{8}"
NCT_ID_RE = re.compile(rf"\b({NCT_ID_PATTERN})\b")
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
PMID_RE = re.compile(r"^[1-9]\d{0,8}$")

validate_nct_id = RegexValidator(
    rf"^{NCT_ID_PATTERN}$",
    message="Enter an NCT ID in the registry's format: NCT followed by 8 digits (NCT01234567).",
    code="invalid_nct_id",
)

# Rich text features an editor may use inside an explainer: no headings above h3,
# no embeds or images inline (images belong in the hero), no raw HTML.
INLINE_FEATURES = ["bold", "italic", "link", "document-link"]
PARAGRAPH_FEATURES = ["h3", "bold", "italic", "link", "document-link", "ol", "ul"]


def rich_text_html(value) -> str:
    """Front-end HTML of a rich text value, internal links resolved."""
    if value is None:
        return ""
    source = value.source if isinstance(value, RichText) else str(value)
    return expand_db_html(source)


def struct_error(errors: dict[str, str]) -> StructBlockValidationError:
    return StructBlockValidationError(
        block_errors={name: ValidationError(message) for name, message in errors.items()}
    )


class ExplainerRichTextBlock(blocks.RichTextBlock):
    """Rich text with a restricted feature set; the API gets HTML with links resolved."""

    def __init__(self, features=None, **kwargs):
        super().__init__(features=features or PARAGRAPH_FEATURES, **kwargs)

    def get_api_representation(self, value, context=None):
        return rich_text_html(value)

    class Meta:
        icon = "pilcrow"
        template = "insights/blocks/rich_text.html"


class SectionHeadingBlock(blocks.CharBlock):
    """A section heading (rendered as h2, with an anchor readers can link to)."""

    def __init__(self, **kwargs):
        super().__init__(max_length=120, **kwargs)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["anchor"] = slugify(value)
        return context

    def get_api_representation(self, value, context=None):
        return {"text": value, "anchor": slugify(value)}

    class Meta:
        icon = "title"
        template = "insights/blocks/heading.html"

"""StreamField blocks of an explainer's body.

Each block has its own template under ``templates/insights/blocks/`` and a typed
``get_api_representation`` for the headless API (rich text as HTML with internal
links resolved). Validation errors carry messages an editor can act on.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.forms.utils import ErrorList
from django.utils.text import slugify
from wagtail import blocks
from wagtail.blocks.list_block import ListBlockValidationError
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


class StepBlock(blocks.StructBlock):
    """One step of a process; its number is its position in the list."""

    title = blocks.CharBlock(max_length=120, help_text="e.g. Collecting the T-cells")
    short_label = blocks.CharBlock(
        max_length=30, required=False, help_text="One or two words, e.g. Collection"
    )
    text = ExplainerRichTextBlock(features=INLINE_FEATURES + ["ul"])

    def get_api_representation(self, value, context=None):
        return {
            "title": value["title"],
            "short_label": value["short_label"],
            "text": rich_text_html(value["text"]),
        }

    class Meta:
        icon = "list-ol"
        label = "Step"


class StepsBlock(blocks.StructBlock):
    """An ordered process (rendered as a numbered list): needs at least two steps."""

    heading = blocks.CharBlock(max_length=120, required=False)
    steps = blocks.ListBlock(StepBlock(), min_num=2)

    MIN_STEPS = 2

    def clean(self, value):
        # Wagtail's own min_num message is generic; say what an editor should do.
        steps = value.get("steps") or []
        if len(steps) < self.MIN_STEPS:
            raise StructBlockValidationError(
                block_errors={
                    "steps": ListBlockValidationError(
                        non_block_errors=ErrorList(
                            [
                                ValidationError(
                                    f"A step list needs at least {self.MIN_STEPS} steps "
                                    f"(it has {len(steps)}). Use a paragraph for a single step.",
                                    code="too_few_steps",
                                )
                            ]
                        )
                    )
                }
            )
        return super().clean(value)

    def get_api_representation(self, value, context=None):
        return {
            "heading": value["heading"],
            "steps": [
                {
                    "number": number,
                    **self.child_blocks["steps"].child_block.get_api_representation(step),
                }
                for number, step in enumerate(value["steps"], start=1)
            ],
        }

    class Meta:
        icon = "list-ol"
        label = "Numbered steps"
        template = "insights/blocks/steps.html"


class Severity(blocks.ChoiceBlock):
    """How serious a risk can be."""

    CHOICES = [
        ("mild", "Mild"),
        ("moderate", "Moderate"),
        ("serious", "Serious"),
        ("life_threatening", "Potentially life-threatening"),
    ]

    def __init__(self, **kwargs):
        super().__init__(choices=self.CHOICES, default="moderate", **kwargs)


SEVERITY_LABELS = dict(Severity.CHOICES)


class RiskBlock(blocks.StructBlock):
    """A side effect or risk: what it is, how serious, how it shows, how it is managed."""

    name = blocks.CharBlock(max_length=120, help_text="e.g. Cytokine release syndrome (CRS)")
    severity = Severity()
    how_it_shows = ExplainerRichTextBlock(
        features=INLINE_FEATURES, required=False, label="How it shows"
    )
    management = ExplainerRichTextBlock(features=INLINE_FEATURES, label="How it is managed")
    frequency = blocks.CharBlock(
        max_length=160, required=False, help_text='e.g. "Common: most patients, usually mild"'
    )

    REQUIRED_MESSAGES = {
        "name": "A risk needs a name.",
        "management": "Say how this risk is managed: readers need to know what is done about it.",
    }

    def clean(self, value):
        missing = {
            name: message
            for name, message in self.REQUIRED_MESSAGES.items()
            if not value.get(name)
            or (isinstance(value[name], RichText) and not value[name].source.strip())
        }
        if missing:
            raise struct_error(missing)
        return super().clean(value)

    def get_api_representation(self, value, context=None):
        return {
            "name": value["name"],
            "severity": value["severity"],
            "severity_label": SEVERITY_LABELS.get(value["severity"], value["severity"]),
            "how_it_shows": rich_text_html(value["how_it_shows"]),
            "management": rich_text_html(value["management"]),
            "frequency": value["frequency"],
        }

    class Meta:
        icon = "warning"
        label = "Risk"


class RisksBlock(blocks.StructBlock):
    """The risks of a treatment; their names feed the JSON-LD adverse outcomes."""

    heading = blocks.CharBlock(max_length=120, required=False)
    intro = ExplainerRichTextBlock(features=INLINE_FEATURES, required=False)
    risks = blocks.ListBlock(RiskBlock(), min_num=1)

    def get_api_representation(self, value, context=None):
        risk_block = self.child_blocks["risks"].child_block
        return {
            "heading": value["heading"],
            "intro": rich_text_html(value["intro"]),
            "risks": [risk_block.get_api_representation(risk) for risk in value["risks"]],
        }

    class Meta:
        icon = "warning"
        label = "Risks"
        template = "insights/blocks/risks.html"


STANDARD_DISCLAIMERS = {
    "medical": (
        "Medical disclaimer",
        "This article explains how a treatment works in general terms. It is not medical "
        "advice and cannot tell you whether a particular therapy suits you. Decisions about "
        "treatment, including joining a clinical trial, belong with your own doctor.",
    ),
    "not_advice": (
        "Not medical advice",
        "ClinicalMetric provides research information only. Always consult a qualified "
        "healthcare professional before making clinical decisions or taking part in a trial.",
    ),
    "emergency": (
        "In an emergency",
        "If you think you or someone else is having a medical emergency, call your local "
        "emergency number now. Do not wait for an answer online.",
    ),
}


class DisclaimerBlock(blocks.StructBlock):
    """One of the approved standard disclaimers, with optional extra text."""

    kind = blocks.ChoiceBlock(
        choices=[(key, title) for key, (title, _text) in STANDARD_DISCLAIMERS.items()],
        default="medical",
        label="Standard text",
    )
    extra = blocks.TextBlock(required=False, max_length=600, help_text="Optional, added after.")

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["title"], context["text"] = STANDARD_DISCLAIMERS[value["kind"]]
        return context

    def get_api_representation(self, value, context=None):
        title, text = STANDARD_DISCLAIMERS[value["kind"]]
        return {"kind": value["kind"], "title": title, "text": text, "extra": value["extra"]}

    class Meta:
        icon = "warning"
        label = "Disclaimer"
        template = "insights/blocks/disclaimer.html"


class DefinitionBlock(blocks.StructBlock):
    """A term and what it means (rendered as a description list)."""

    term = blocks.CharBlock(max_length=120)
    definition = ExplainerRichTextBlock(features=INLINE_FEATURES)

    def get_api_representation(self, value, context=None):
        return {"term": value["term"], "definition": rich_text_html(value["definition"])}

    class Meta:
        icon = "help"
        label = "Definition"
        template = "insights/blocks/definition.html"


class CalloutBlock(blocks.StructBlock):
    """A key fact or a warning set apart from the text."""

    kind = blocks.ChoiceBlock(
        choices=[("key_fact", "Key fact"), ("warning", "Warning")], default="key_fact"
    )
    title = blocks.CharBlock(max_length=120, required=False)
    text = ExplainerRichTextBlock(features=INLINE_FEATURES)

    def get_api_representation(self, value, context=None):
        return {
            "kind": value["kind"],
            "title": value["title"],
            "text": rich_text_html(value["text"]),
        }

    class Meta:
        icon = "pick"
        label = "Callout"
        template = "insights/blocks/callout.html"


class TrialListBlock(blocks.StructBlock):
    """Trials by NCT ID, rendered live from the registry copy (one query for the page).

    The page puts ``trials_by_nct`` (every cited trial, fetched once) in the context;
    rendered on its own the block fetches its trials in one query.
    """

    heading = blocks.CharBlock(max_length=120, required=False)
    nct_ids = blocks.ListBlock(
        blocks.CharBlock(max_length=11, validators=[validate_nct_id], label="NCT ID"),
        min_num=1,
        label="NCT IDs",
    )

    def get_context(self, value, parent_context=None):
        from trials.models import Trial

        context = super().get_context(value, parent_context=parent_context)
        ids = list(dict.fromkeys(value["nct_ids"]))
        known = (parent_context or {}).get("trials_by_nct")
        if known is None:
            known = {t.nct_id: t for t in Trial.objects.filter(nct_id__in=ids)}
        context["trial_rows"] = [(nct_id, known.get(nct_id)) for nct_id in ids]
        return context

    def get_api_representation(self, value, context=None):
        return {
            "heading": value["heading"],
            "trials": [
                {"nct_id": nct_id, "registry_url": f"https://clinicaltrials.gov/study/{nct_id}"}
                for nct_id in dict.fromkeys(value["nct_ids"])
            ],
        }

    class Meta:
        icon = "table"
        label = "Trial list"
        template = "insights/blocks/trial_list.html"


class ReferenceBlock(blocks.StructBlock):
    """A citation with at least one of URL, DOI or PMID."""

    citation = blocks.CharBlock(max_length=400, help_text="Authors, title, journal, year.")
    url = blocks.URLBlock(required=False, label="URL")
    doi = blocks.CharBlock(max_length=200, required=False, label="DOI", help_text="10.xxxx/...")
    pmid = blocks.CharBlock(max_length=9, required=False, label="PMID")

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        doi = (value.get("doi") or "").strip()
        if doi.lower().startswith(("https://doi.org/", "http://doi.org/", "doi:")):
            doi = doi.split("doi.org/", 1)[-1].removeprefix("doi:").strip()
            value["doi"] = doi
        if doi and not DOI_RE.match(doi):
            errors["doi"] = (
                "A DOI starts with 10. and a registrant code, e.g. 10.1056/NEJMoa1707447."
            )
        pmid = (value.get("pmid") or "").strip()
        if pmid and not PMID_RE.match(pmid):
            errors["pmid"] = "A PubMed ID is a number of up to 9 digits, e.g. 29226797."
        if not errors and not (value.get("url") or doi or pmid):
            errors["url"] = "Give at least one of URL, DOI or PMID so readers can find the source."
        if errors:
            raise struct_error(errors)
        return value

    def get_api_representation(self, value, context=None):
        return {
            "citation": value["citation"],
            "url": value["url"] or None,
            "doi": value["doi"] or None,
            "pmid": value["pmid"] or None,
            "links": reference_links(value),
        }

    class Meta:
        icon = "doc-full"
        label = "Reference"


def reference_links(value) -> list[dict]:
    links = []
    if value.get("doi"):
        links.append({"label": f"doi:{value['doi']}", "url": f"https://doi.org/{value['doi']}"})
    if value.get("pmid"):
        links.append(
            {
                "label": f"PMID {value['pmid']}",
                "url": f"https://pubmed.ncbi.nlm.nih.gov/{value['pmid']}/",
            }
        )
    if value.get("url"):
        links.append({"label": "Source", "url": value["url"]})
    return links


class ReferencesBlock(blocks.StructBlock):
    """A numbered list of sources."""

    heading = blocks.CharBlock(max_length=120, required=False, default="References")
    references = blocks.ListBlock(ReferenceBlock(), min_num=1)

    def get_api_representation(self, value, context=None):
        ref_block = self.child_blocks["references"].child_block
        return {
            "heading": value["heading"],
            "references": [ref_block.get_api_representation(ref) for ref in value["references"]],
        }

    class Meta:
        icon = "doc-full"
        label = "References"
        template = "insights/blocks/references.html"


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

"""Trust pages: About, Methodology, Disclaimer, Contact, Privacy, and the Corrections form.

Editors maintain them in the Wagtail admin as sections (a heading and rich text each).
Their slugs are a contract (the header, the footer and every explainer link to them):
``about``, ``methodology``, ``disclaimer``, ``corrections``, ``contact``, ``privacy``.
"""

from django.db import models
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

TRUST_SLUGS = ("about", "methodology", "disclaimer", "corrections", "contact", "privacy")
SECTION_FEATURES = ["h3", "bold", "italic", "link", "ol", "ul"]


class TrustSectionBlock(blocks.StructBlock):
    """A titled section of a trust page."""

    heading = blocks.CharBlock(max_length=120)
    body = blocks.RichTextBlock(features=SECTION_FEATURES)

    class Meta:
        icon = "doc-full"
        template = "home/blocks/trust_section.html"


class RegistryFreshnessBlock(blocks.StaticBlock):
    """Says when the trial data were last refreshed, from the last successful sync."""

    class Meta:
        icon = "time"
        label = "Trial data: last refreshed"
        admin_text = "Shows when the trial data were last refreshed from ClinicalTrials.gov."
        template = "home/blocks/registry_freshness.html"


def trust_sections_field():
    return StreamField(
        [("section", TrustSectionBlock()), ("registry_freshness", RegistryFreshnessBlock())],
        blank=True,
        use_json_field=True,
    )


class TrustPage(Page):
    """A publisher page readers check us by (About, Methodology, Disclaimer, ...)."""

    intro = models.TextField(blank=True, max_length=600)
    sections = trust_sections_field()
    last_reviewed = models.DateField(
        null=True, blank=True, help_text="When the publisher last checked this page is true."
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("sections"),
        FieldPanel("last_reviewed"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("sections"),
    ]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    template = "home/trust_page.html"

    class Meta:
        verbose_name = "trust page"


class CorrectionFormField(AbstractFormField):
    """A field of the corrections form (editors choose them)."""

    page = ParentalKey("CorrectionsPage", on_delete=models.CASCADE, related_name="form_fields")


class CorrectionsPage(AbstractEmailForm):
    """The corrections policy and a form to report an error; submissions are in the admin
    (Forms), and are e-mailed too when "to address" is set."""

    intro = models.TextField(blank=True, max_length=600)
    sections = trust_sections_field()
    thank_you_text = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = AbstractEmailForm.content_panels + [
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        FieldPanel("sections"),
        InlinePanel("form_fields", label="Form fields"),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
                FieldPanel("subject"),
            ],
            "E-mail the submissions (optional)",
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    template = "home/corrections_page.html"
    landing_page_template = "home/corrections_page_landing.html"

    class Meta:
        verbose_name = "corrections page"

"""The home page: root of the public site."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


class HomePage(Page):
    """The single root page of the site: hero and introduction."""

    hero_title = models.CharField(max_length=200, blank=True)
    hero_text = models.TextField(blank=True, max_length=600)
    introduction = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [
        FieldPanel("hero_title"),
        FieldPanel("hero_text"),
        FieldPanel("introduction"),
    ]

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]


class StandardPage(Page):
    """A plain content page (About, Editorial policy): an intro and a rich-text body."""

    intro = models.TextField(blank=True, max_length=600)
    body = RichTextField(
        blank=True,
        features=["h2", "h3", "bold", "italic", "link", "document-link", "ol", "ul"],
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["home.HomePage", "home.StandardPage"]

    class Meta:
        verbose_name = "standard page"

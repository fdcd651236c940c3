"""The home page: root of the public site."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


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

"""Search synonyms: terms a reader may type for the same thing (a snippet editors keep)."""

from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet

MAX_TERMS = 12


def split_terms(text: str) -> list[str]:
    """The terms of a synonym group: comma or line separated, lower-cased, deduplicated."""
    seen: list[str] = []
    for raw in text.replace("\n", ",").split(","):
        term = " ".join(raw.lower().split())
        if term and term not in seen:
            seen.append(term)
    return seen


class SearchSynonym(models.Model):
    """A group of equivalent search terms: US and UK spellings ("leukemia, leukaemia"),
    brand and generic names ("Ozempic, Wegovy, semaglutide"). A search for any of them
    also finds pages and trials that use another."""

    terms = models.TextField(
        help_text="Two or more terms that mean the same thing, separated by commas, "
        "e.g. 'leukaemia, leukemia' or 'Ozempic, Wegovy, semaglutide'."
    )
    note = models.CharField(max_length=200, blank=True, help_text="Why they are equivalent.")
    updated_at = models.DateTimeField(auto_now=True)

    panels = [FieldPanel("terms"), FieldPanel("note")]

    class Meta:
        verbose_name = "search synonym"
        ordering = ["terms"]

    def __str__(self) -> str:
        return ", ".join(split_terms(self.terms))

    def clean(self):
        terms = split_terms(self.terms)
        if len(terms) < 2:
            raise ValidationError({"terms": "Give at least two terms that mean the same."})
        if len(terms) > MAX_TERMS:
            raise ValidationError({"terms": f"At most {MAX_TERMS} terms in one group."})
        if any(len(term) > 60 for term in terms):
            raise ValidationError({"terms": "A term is at most 60 characters long."})

    @property
    def term_list(self) -> list[str]:
        return split_terms(self.terms)


register_snippet(SearchSynonym)

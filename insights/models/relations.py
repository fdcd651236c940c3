"""What hangs off an explainer: its authors (ordered people) and its cited trials."""

from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable

from insights.blocks import validate_nct_id
from people.models import Person
from trials.models import OverallStatus, Phase, Trial, registry_url, trials_by_nct_id


class ExplainerPageAuthor(Orderable):
    """An author of an explainer, in byline order. A cited person cannot be deleted."""

    page = ParentalKey("insights.ExplainerPage", on_delete=models.CASCADE, related_name="authors")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="explainer_authorships"
    )

    panels = [FieldPanel("person")]

    class Meta(Orderable.Meta):
        verbose_name = "author"

    def __str__(self) -> str:
        return f"author of “{self.page.title}”"


class ExplainerTrialCitation(Orderable):
    """A trial an explainer cites, by NCT ID, with what the page says about it.

    ``stated_status`` / ``stated_phase`` are the page's claims, checked against the
    registry before publication. The trial row itself may be missing (not synced yet).
    """

    page = ParentalKey(
        "insights.ExplainerPage", on_delete=models.CASCADE, related_name="trial_citations"
    )
    nct_id = models.CharField("NCT ID", max_length=11, validators=[validate_nct_id])
    stated_status = models.CharField(
        max_length=40, blank=True, choices=OverallStatus.choices, help_text="As the page states it."
    )
    stated_phase = models.CharField(
        max_length=20, blank=True, choices=Phase.choices, help_text="As the page states it."
    )

    panels = [FieldPanel("nct_id"), FieldPanel("stated_status"), FieldPanel("stated_phase")]

    class Meta(Orderable.Meta):
        verbose_name = "cited trial"

    def __str__(self) -> str:
        return self.nct_id

    def clean(self):
        super().clean()
        self.nct_id = (self.nct_id or "").strip().upper()

    @property
    def trial(self) -> Trial | None:
        """The registry row for this NCT ID, or None if it is not in the Trial table."""
        if not hasattr(self, "_trial"):
            self._trial = trials_by_nct_id([self.nct_id]).get(self.nct_id)
        return self._trial

    @property
    def registry_url(self) -> str:
        return registry_url(self.nct_id)


def attach_trials(citations) -> None:
    """Fetch the Trial rows of CITATIONS in one query and attach them (None if missing)."""
    ids = {c.nct_id for c in citations}
    found = trials_by_nct_id(ids)  # an alias resolves to its current trial
    for citation in citations:
        citation._trial = found.get(citation.nct_id)

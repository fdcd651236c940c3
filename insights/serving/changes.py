"""What a change affects: the pages that show a changed object, and their URLs.

Pages are found the way Wagtail's admin finds usage: the reference index
(``wagtail.models.ReferenceIndex``) for images, documents, people and linked pages;
the trials app's citing-pages provider (``trials.citations``) for trials; the relations
the index cannot see (authors, review sign-offs, topics) by their own tables.
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page, ReferenceIndex


@dataclass
class Change:
    """The pages, site-relative URLs and API objects a change makes stale."""

    page_ids: set[int] = field(default_factory=set)
    # Site-relative paths known directly (citing pages, a page's URL before a move).
    paths: set[str] = field(default_factory=set)
    # Full URLs a CDN may hold that are no Wagtail page (trial pages, API detail URLs).
    extra_urls: set[str] = field(default_factory=set)
    people: set[int] = field(default_factory=set)
    trials: set[str] = field(default_factory=set)
    # Trial rows were written (not only pages citing them): the finder's counts are stale.
    trials_written: bool = False
    everything: bool = False

    def __bool__(self) -> bool:
        return (
            bool(self.page_ids or self.paths or self.extra_urls or self.people or self.trials)
            or self.everything
        )

    def merge(self, other: "Change") -> None:
        self.page_ids |= other.page_ids
        self.paths |= other.paths
        self.extra_urls |= other.extra_urls
        self.people |= other.people
        self.trials |= other.trials
        self.trials_written = self.trials_written or other.trials_written
        self.everything = self.everything or other.everything


def pages_referencing(obj) -> tuple[set[int], list]:
    """(ids of pages referencing OBJ, people referencing it) from the reference index."""
    from people.models import Person

    page_type = ContentType.objects.get_for_model(Page)
    person_type = ContentType.objects.get_for_model(Person)
    page_ids, person_ids = set(), set()
    rows = ReferenceIndex.get_references_to(obj).values_list("base_content_type_id", "object_id")
    for content_type_id, object_id in rows:
        if not str(object_id).isdigit():
            continue
        if content_type_id == page_type.pk:
            page_ids.add(int(object_id))
        elif content_type_id == person_type.pk:
            person_ids.add(int(object_id))
    return page_ids, list(Person.objects.filter(pk__in=person_ids)) if person_ids else []


def around_pages(page_ids) -> set[int]:
    """PAGE_IDS with what lists or links them: ancestors (index, home), live siblings
    (previous/next), children (an index's explainers show its title)."""
    pages = list(Page.objects.filter(pk__in=page_ids).only("pk", "path", "depth"))
    if not pages:
        return set(page_ids)
    ids = set(page_ids)
    step = Page.steplen
    ancestor_paths = {p.path[: step * n] for p in pages for n in range(2, p.depth)}
    parent_paths = {p.path[:-step] for p in pages if p.depth > 1}
    query = Page.objects.filter(path__in=ancestor_paths)
    for parent_path in parent_paths:
        query = query | Page.objects.filter(
            path__startswith=parent_path, depth=len(parent_path) // step + 1
        )
    for page in pages:
        query = query | Page.objects.filter(path__startswith=page.path, depth=page.depth + 1)
    ids.update(query.values_list("pk", flat=True))
    return ids


def page_change(page) -> Change:
    """A page published, unpublished, moved or deleted: it and what lists or links it."""
    from insights.models import ExplainerTrialCitation

    linking, _ = pages_referencing(page)
    change = Change(page_ids=around_pages({page.pk}) | linking)
    # Trial pages list the explainers citing them.
    change.trials |= set(
        ExplainerTrialCitation.objects.filter(page_id=page.pk).values_list("nct_id", flat=True)
    )
    return change


def person_change(person) -> Change:
    """A person edited, published or deleted: explainers they wrote or reviewed."""
    from insights.models import ExplainerPageAuthor, StageSignOff

    page_ids, _ = pages_referencing(person)
    page_ids |= set(
        ExplainerPageAuthor.objects.filter(person=person).values_list("page_id", flat=True)
    )
    page_ids |= set(
        StageSignOff.objects.filter(person=person).values_list("review__page_id", flat=True)
    )
    return Change(page_ids=with_listings(page_ids), people={person.pk})


def media_change(obj) -> Change:
    """An image (or one of its renditions) or a document: the pages and people using it."""
    from people.models import Person

    page_ids, others = pages_referencing(obj)
    change = Change(page_ids=with_listings(page_ids))
    for other in others:
        if isinstance(other, Person):
            change.merge(person_change(other))
    return change


def topic_change(tag) -> Change:
    from insights.models import ExplainerPageTopic

    page_ids = set(
        ExplainerPageTopic.objects.filter(tag=tag).values_list("content_object_id", flat=True)
    )
    return Change(page_ids=with_listings(page_ids))


def trials_change(nct_ids) -> Change:
    """Trials changed in the registry mirror: the pages citing them (citing-pages provider)."""
    from trials import citations

    nct_ids = sorted({str(n).upper() for n in nct_ids if n})
    change = Change(trials=set(nct_ids), trials_written=bool(nct_ids))
    for pages in citations.citing_pages(nct_ids).values():
        for page in pages:
            if getattr(page, "page_id", None):
                change.page_ids.add(page.page_id)
            elif page.url:
                change.paths.add(page.url)
    change.page_ids |= _recruiting_count_pages(nct_ids)
    return change


def _recruiting_count_pages(nct_ids) -> set[int]:
    """Explainers whose "trials being tested now" count may have moved: those whose
    treatment a changed trial tests (one EXISTS per live explainer; explainers are few)."""
    from insights.models import ExplainerPage
    from trials.models import Trial
    from trials.recruiting import explainer_finder_params

    if not nct_ids:
        return set()
    changed = Trial.objects.filter(nct_id__in=nct_ids)
    return {
        page.pk
        for page in ExplainerPage.objects.live().only("pk", "title", "therapy_name")
        if changed.with_intervention(explainer_finder_params(page)["intervention"]).exists()
    }


def with_listings(page_ids) -> set[int]:
    """PAGE_IDS and their parents (the explainers index shows hero images, topics, dates)."""
    page_ids = set(page_ids)
    if not page_ids:
        return page_ids
    step = Page.steplen
    paths = [
        path[:-step]
        for path in Page.objects.filter(pk__in=page_ids, depth__gt=1).values_list("path", flat=True)
    ]
    return page_ids | set(Page.objects.filter(path__in=paths).values_list("pk", flat=True))

"""The one event source: signals in, one ``Change`` out to every cache that holds pages.

Each receiver below turns a signal into a ``Change`` (``insights.serving.changes``),
resolved at once into site-relative paths and full URLs (a deleted page has none
later). The page cache forgets those paths at once and again after the transaction
commits (a reader between the two could have cached the old version); the API cache
and the CDN purge run after the commit only. ``consumers`` lists who hears a change.
"""

import logging

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from taggit.models import Tag
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import (
    page_published,
    page_slug_changed,
    page_unpublished,
    post_page_move,
    pre_page_move,
)

from insights.serving import api_cache, changes, page_cache
from insights.serving.changes import Change

logger = logging.getLogger(__name__)

# Called with the resolved change after commit: (paths, full_urls, change).
consumers: list = []
# Purging every page of the site (settings changed) stops being sensible past this.
MAX_PAGES_FOR_EVERYTHING = 5000


def site_urls_for_url_path(url_path: str) -> list[tuple[str, str]]:
    """[(site-relative path, full URL)] of a Wagtail url_path under every site root."""
    found = []
    for site_root in Site.get_site_root_paths():
        if url_path.startswith(site_root.root_path):
            path = url_path[len(site_root.root_path) - 1 :]
            found.append((path, site_root.root_url + path))
    return found


def resolve(change: Change) -> tuple[set[str], set[str]]:
    """(site-relative paths, full URLs) of everything CHANGE makes stale."""
    paths, urls = set(change.paths), set(change.extra_urls)
    if change.everything:
        live = Page.objects.live().filter(depth__gt=1).only("url_path")
        for page in live[:MAX_PAGES_FOR_EVERYTHING]:
            for path, url in site_urls_for_url_path(page.url_path):
                paths.add(path)
                urls.add(url)
    for page in Page.objects.filter(pk__in=change.page_ids).only("pk", "url_path"):
        for path, url in site_urls_for_url_path(page.url_path):
            paths.add(path)
            urls.add(url)
    roots = {site_root.root_url for site_root in Site.get_site_root_paths()}
    for path in change.paths:
        urls.update(root + path for root in roots)
    return paths, urls


def announce(change: Change) -> None:
    """Make CHANGE known: the page cache now, and every consumer after the commit."""
    if not change:
        return
    try:
        paths, urls = resolve(change)
    except Exception:  # a cache must never break an editor's save
        logger.exception("could not work out what a change affects; forgetting every page")
        page_cache.forget_everything()
        _forget_trial_facets(change)
        return
    _forget_locally(paths, change)
    transaction.on_commit(lambda: _after_commit(paths, urls, change))


def _forget_locally(paths, change) -> None:
    from insights.templatetags.insights_tags import INDEX_URL_KEY

    page_cache.forget_paths(paths)
    api_cache.forget_everything()
    _forget_trial_facets(change)
    if change.everything:
        page_cache.forget_everything()
    if change.page_ids or change.everything:
        cache.delete_many([f"{INDEX_URL_KEY}:{site.pk}" for site in Site.objects.all()])


def _forget_trial_facets(change) -> None:
    """The finder's facet counts go with the trials: emptied in the writer's transaction
    (and again after it), rebuilt when the sync run ends; cached facets are forgotten
    on any trial change and when a run ends (``change.everything``)."""
    from trials import facet_counts
    from trials.filters import facets

    if change.trials_written:
        facet_counts.forget()
    if change.trials_written or change.everything:
        facets.forget()


def _after_commit(paths, urls, change) -> None:
    _forget_locally(paths, change)
    for consumer in consumers:
        try:
            consumer(paths, urls, change)
        except Exception:
            logger.exception("serving consumer %r failed", consumer)


# Receivers -----------------------------------------------------------------------------


def on_page_published(sender, instance, **kwargs):
    announce(changes.page_change(instance))


def on_page_unpublished(sender, instance, **kwargs):
    announce(changes.page_change(instance))


def _subtree_change(page, url_path_before=None) -> Change:
    """The page and its descendants at their URLs (before a move or slug change: the old)."""
    change = Change()
    for descendant in Page.objects.descendant_of(page, inclusive=True).only("url_path"):
        url_path = descendant.url_path
        if url_path_before is not None:
            url_path = url_path_before + url_path[len(page.url_path) :]
        for path, _url in site_urls_for_url_path(url_path):
            change.paths.add(path)
    return change


def on_pre_page_move(sender, instance, **kwargs):
    change = changes.page_change(instance)
    change.merge(_subtree_change(instance))
    announce(change)


def on_post_page_move(sender, instance, **kwargs):
    change = changes.page_change(instance)
    change.merge(_subtree_change(instance))
    announce(change)


def on_page_slug_changed(sender, instance, instance_before, **kwargs):
    change = _subtree_change(instance, url_path_before=instance_before.url_path)
    change.merge(_subtree_change(instance))
    announce(change)


def on_page_deleted(sender, instance, **kwargs):
    change = changes.page_change(instance)
    change.merge(_subtree_change(instance))
    announce(change)


def on_person_changed(sender, instance, **kwargs):
    if not kwargs.get("raw"):
        announce(changes.person_change(instance))


def on_media_changed(sender, instance, **kwargs):
    if not kwargs.get("raw"):
        announce(changes.media_change(instance))


def on_rendition_changed(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return
    try:
        image = instance.image
    except Exception:  # the image is being deleted too: its own receiver ran
        return
    announce(changes.media_change(image))


def on_topic_changed(sender, instance, **kwargs):
    if not kwargs.get("raw"):
        announce(changes.topic_change(instance))


def on_trial_saved(sender, instance, **kwargs):
    if not kwargs.get("raw"):
        announce(changes.trials_change([instance.nct_id]))


def on_trials_changed(sender, nct_ids=(), **kwargs):
    announce(changes.trials_change(nct_ids))


def on_review_record_changed(sender, instance, **kwargs):
    page_id = getattr(instance, "page_id", None)
    if page_id is None and getattr(instance, "review_id", None):
        from insights.models import CompletedReview

        page_id = (
            CompletedReview.objects.filter(pk=instance.review_id)
            .values_list("page_id", flat=True)
            .first()
        )
    if page_id:
        announce(Change(page_ids=changes.with_listings({page_id})))


def on_view_restriction_changed(sender, instance, **kwargs):
    if not kwargs.get("raw"):
        page = Page.objects.filter(pk=instance.page_id).first()
        if page is not None:
            announce(_subtree_change(page))


def on_site_changed(sender, instance, **kwargs):
    if not kwargs.get("raw"):
        announce(Change(everything=True))


def on_sync_run_saved(sender, instance, **kwargs):
    """A finished successful sync: every page's footer (and each explainer's aside) says
    when the registry data was last refreshed."""
    fields = kwargs.get("update_fields")
    if (
        not kwargs.get("raw")
        and instance.status == instance.Status.SUCCEEDED
        and instance.finished is not None
        and (fields is None or "status" in fields)
    ):
        announce(Change(everything=True))


def connect() -> None:
    """Connect every receiver (from ``InsightsConfig.ready``)."""
    from django.apps import apps
    from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting

    from insights.models import CompletedReview, StageSignOff
    from insights.serving import purge
    from people.models import Person
    from trials.models import Trial, TrialSyncRun
    from trials.signals import trials_changed

    uid = "insights.serving"
    if purge.purge not in consumers:
        consumers.append(purge.purge)
    page_published.connect(on_page_published, dispatch_uid=f"{uid}.published")
    page_unpublished.connect(on_page_unpublished, dispatch_uid=f"{uid}.unpublished")
    pre_page_move.connect(on_pre_page_move, dispatch_uid=f"{uid}.pre_move")
    post_page_move.connect(on_post_page_move, dispatch_uid=f"{uid}.post_move")
    page_slug_changed.connect(on_page_slug_changed, dispatch_uid=f"{uid}.slug")
    for model in apps.get_models():
        if issubclass(model, Page):
            pre_delete.connect(on_page_deleted, sender=model, dispatch_uid=f"{uid}.del.{model}")
        elif issubclass(model, BaseSiteSetting | BaseGenericSetting):
            post_save.connect(on_site_changed, sender=model, dispatch_uid=f"{uid}.set.{model}")
    image_model = get_image_model()
    rendition_model = image_model.get_rendition_model()
    receivers = [
        (Person, on_person_changed),
        (image_model, on_media_changed),
        (get_document_model(), on_media_changed),
        (Tag, on_topic_changed),
        (CompletedReview, on_review_record_changed),
        (StageSignOff, on_review_record_changed),
        (Site, on_site_changed),
        (PageViewRestriction, on_view_restriction_changed),
    ]
    for model, receiver in receivers:
        post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}.save.{model}")
        pre_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}.delete.{model}")
    # A new rendition changes no page (rendering makes it); a deleted one breaks pages.
    post_delete.connect(on_rendition_changed, sender=rendition_model, dispatch_uid=f"{uid}.rd")
    post_save.connect(on_trial_saved, sender=Trial, dispatch_uid=f"{uid}.trial_save")
    post_delete.connect(on_trial_saved, sender=Trial, dispatch_uid=f"{uid}.trial_delete")
    trials_changed.connect(on_trials_changed, dispatch_uid=f"{uid}.trials_changed")
    post_save.connect(on_sync_run_saved, sender=TrialSyncRun, dispatch_uid=f"{uid}.sync_run")

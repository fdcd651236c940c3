"""The editorial review's rules on API v3's write and action endpoints.

Wagtail's v3 endpoints run Wagtail's page actions, which ask the page's permission
tester (``ExplainerPermissionTester``: delete, move, unpublish of protected explainers)
and save revisions through ``ExplainerPage.save_revision`` (review restarts, frozen
approved revisions). What they would still let through is refused here, before the
action runs, with a 409 and a message saying what to do instead:

- publishing an explainer (``publish``, or ``meta.action: "publish"`` on create/update),
  for everyone superusers included, unless the three-stage review finished on exactly
  the latest revision (a current ``CompletedReview`` of it: e.g. re-publishing a
  reviewed version that was unpublished);
- editing or reverting an explainer locked for the user (the review's stage lock, or an
  editor's lock), as the admin's edit view refuses it;
- anything that would put an unreviewed copy of an explainer live: ``copy`` with
  ``keep_live``, ``create_alias`` and ``copy_for_translation`` of an explainer or of a
  page with explainers under it, ``convert_alias`` of an explainer alias;
- deleting or unpublishing (recursively) a page with protected explainers under it,
  unless a superuser asks (the rule the permission tester applies to the explainer itself).
"""

from functools import wraps

from wagtail.api.v3.errors import problem_response
from wagtail.models import Page

from insights.models import CompletedReview, ExplainerPage
from insights.review.permissions import PROTECTED_MESSAGE, is_protected

PUBLISH_REFUSED = (
    "An explainer is published by its editorial review: submit it for review in the admin; "
    "the third stage's approval publishes it. The API publishes an explainer only when the "
    "review finished on its latest revision."
)
COPY_REFUSED = (
    "A copy of an explainer is a new page that has not been reviewed: copy it with "
    '"keep_live": false and submit the copy for review.'
)
ALIAS_REFUSED = (
    "An alias or translation of an explainer would show readers content no review covers; "
    "create and review a new explainer instead."
)


class Refused(Exception):
    """An action the review's rules do not allow; answered with STATUS and the message."""

    def __init__(self, message, status=409):
        super().__init__(message)
        self.status = status


def refusal(exc: Refused):
    """An RFC 7807 problem, as Wagtail's v3 errors are."""
    return problem_response(status=exc.status, detail=str(exc))


def _specific(page_id):
    page = Page.objects.filter(pk=page_id).first()
    return page.specific if page is not None else None


def explainers_in(page, inclusive=True):
    """Explainers at PAGE and under it."""
    return ExplainerPage.objects.descendant_of(page, inclusive=inclusive)


def review_finished_on_latest(page) -> bool:
    return CompletedReview.objects.filter(
        page=page, revision_id=page.latest_revision_id, is_current=True
    ).exists()


def check_publish(page, user):
    if isinstance(page, ExplainerPage) and not (
        page.latest_revision_id and review_finished_on_latest(page)
    ):
        raise Refused(PUBLISH_REFUSED)


def check_not_locked(page, user):
    if not isinstance(page, ExplainerPage):
        return
    lock = page.get_lock()
    if lock is not None and lock.for_user(user):
        raise Refused(str(lock.get_message(user)), status=423)


def check_subtree_protected(page, user, recursive=True):
    """Deleting/unpublishing PAGE with protected explainers under it: superusers only."""
    if user.is_superuser or page is None:
        return
    candidates = explainers_in(page, inclusive=False) if recursive else []
    if any(is_protected(explainer) for explainer in candidates):
        raise Refused(PROTECTED_MESSAGE, status=403)


def _data(kwargs):
    return kwargs.get("data")


def guard_create(request, kwargs):
    data = _data(kwargs)
    if data.meta.type == ExplainerPage._meta.label and data.meta.action == "publish":
        raise Refused(PUBLISH_REFUSED)


def guard_update(request, kwargs):
    page = _specific(kwargs["page_id"])
    if page is None:
        return
    data = _data(kwargs)
    meta = getattr(data, "meta", None)
    if meta is not None and meta.action == "publish":
        check_publish(page, request.user)
    check_not_locked(page, request.user)


def guard_publish(request, kwargs):
    page = _specific(kwargs["page_id"])
    if page is not None:
        check_publish(page, request.user)


def guard_unpublish(request, kwargs):
    page = _specific(kwargs["page_id"])
    data = _data(kwargs)
    if page is not None and data is not None and data.recursive:
        check_subtree_protected(page, request.user)


def guard_delete(request, kwargs):
    check_subtree_protected(_specific(kwargs["page_id"]), request.user)


def guard_revert(request, kwargs):
    page = _specific(kwargs["page_id"])
    if page is not None:
        check_not_locked(page, request.user)


def guard_copy(request, kwargs):
    page = _specific(kwargs["page_id"])
    data = _data(kwargs)
    if page is None or not data.keep_live:
        return
    copied = explainers_in(page) if data.recursive else [page]
    if any(isinstance(p, ExplainerPage) and p.live for p in copied):
        raise Refused(COPY_REFUSED)


def guard_alias(request, kwargs):
    page = _specific(kwargs["page_id"])
    if page is None:
        return
    if isinstance(page, ExplainerPage) or explainers_in(page).exists():
        raise Refused(ALIAS_REFUSED)


# Wagtail's v3 view functions (wagtail.api.v3.routers.pages) by name -> their guard.
GUARDS = {
    "create_page": guard_create,
    "update_page": guard_update,
    "publish": guard_publish,
    "unpublish": guard_unpublish,
    "delete": guard_delete,
    "revert": guard_revert,
    "copy": guard_copy,
    "create_alias": guard_alias,
    "convert_alias": guard_alias,
    "copy_for_translation": guard_alias,
}
PAGES_MODULE = "wagtail.api.v3.routers.pages"


def review_guard(view):
    """A router decorator (mode "operation"): the guard of VIEW runs before it, if any.

    It runs after authentication and validation (it sees ``request.user`` and the parsed
    body) and before Wagtail's view, i.e. before its permission checks and the action.
    Permission checks stay Wagtail's: a guard only refuses more.
    """
    guard = GUARDS.get(view.__name__) if view.__module__ == PAGES_MODULE else None
    if guard is None:
        return view

    @wraps(view)
    def wrapper(request, **kwargs):
        if request.user.is_authenticated:
            try:
                guard(request, kwargs)
            except Refused as exc:
                return refusal(exc)
        return view(request, **kwargs)

    return wrapper

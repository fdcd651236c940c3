"""Rich text links in API responses: resolved in bulk, and only to public content.

The body blocks and the summary expand their rich text with Wagtail's
``expand_db_html``, which looks up linked pages and documents once per rich text
value: for a list of explainers that is a query per paragraph. Inside
``preloaded_links(...)`` the link handlers below answer from objects fetched once
for the whole response instead, and they resolve only live, public pages and
documents outside private collections: a link to a draft or private page keeps
its text but loses its ``href``, so the API never reveals where unpublished
content lives. Outside that context they behave exactly like Wagtail's own.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models import Q
from wagtail.documents import get_document_model
from wagtail.documents.rich_text import DocumentLinkHandler
from wagtail.models import Collection, CollectionViewRestriction, Page
from wagtail.rich_text import extract_references_from_rich_text
from wagtail.rich_text.pages import PageLinkHandler

# {"page": {str(id): Page | None}, "document": {str(id): Document | None}} while active.
_preloaded: ContextVar[dict | None] = ContextVar("insights_api_preloaded_links", default=None)


def public_pages_by_id(ids, public_pages=None) -> dict[str, Page | None]:
    """Live, public pages with these ids (specific, without their StreamFields).

    PUBLIC_PAGES, if given, is a queryset of the pages links may point to.
    """
    ids = {str(i) for i in ids if str(i).isdigit()}
    found = {str(i): None for i in ids}
    if ids:
        pages = public_pages if public_pages is not None else Page.objects.live().public()
        pages = pages.filter(id__in=ids).defer_streamfields().specific()
        found.update({str(page.pk): page for page in pages})
    return found


def restricted_collection_ids() -> list[int]:
    """Ids of collections under a view restriction (whoever asks: the API is anonymous)."""
    paths = list(CollectionViewRestriction.objects.values_list("collection__path", flat=True))
    if not paths:
        return []
    query = Q()
    for path in paths:
        query |= Q(path__startswith=path)
    return list(Collection.objects.filter(query).values_list("pk", flat=True))


def public_documents_by_id(ids) -> dict:
    ids = {str(i) for i in ids if str(i).isdigit()}
    found = {str(i): None for i in ids}
    if ids:
        documents = get_document_model().objects.filter(id__in=ids)
        restricted = restricted_collection_ids()
        if restricted:
            documents = documents.exclude(collection__in=restricted)
        found.update({str(doc.pk): doc for doc in documents})
    return found


LOADERS = {"page": public_pages_by_id, "document": public_documents_by_id}


def _lookup(linktype: str, attrs_list: list[dict]) -> list:
    preloaded = _preloaded.get()
    known = preloaded[linktype]
    missing = {str(attrs.get("id")) for attrs in attrs_list} - known.keys()
    if missing:  # not collected up front (should not happen): fetch, still public only
        known.update(LOADERS[linktype](missing))
    return [known.get(str(attrs.get("id"))) for attrs in attrs_list]


class PublicPageLinkHandler(PageLinkHandler):
    """Wagtail's page link handler; inside ``preloaded_links`` public pages only, no query."""

    @classmethod
    def get_many(cls, attrs_list: list[dict]) -> list:
        if _preloaded.get() is None:
            return super().get_many(attrs_list)
        return _lookup("page", attrs_list)


class PublicDocumentLinkHandler(DocumentLinkHandler):
    """Wagtail's document link handler; inside ``preloaded_links`` public documents only."""

    @classmethod
    def get_many(cls, attrs_list: list[dict]) -> list:
        if _preloaded.get() is None:
            return super().get_many(attrs_list)
        return _lookup("document", attrs_list)


def link_targets(references) -> tuple[set[str], set[str]]:
    """Ids of the pages and documents among REFERENCES.

    REFERENCES are Wagtail reference tuples ``(model, object_id, model_path, content_path)``
    as yielded by ``block.extract_references(value)`` and
    ``extract_references_from_rich_text(html)``.
    """
    page_ids, document_ids = set(), set()
    document_model = get_document_model()
    for model, object_id, _model_path, _content_path in references:
        if issubclass(model, Page):
            page_ids.add(str(object_id))
        elif issubclass(model, document_model):
            document_ids.add(str(object_id))
    return page_ids, document_ids


def rich_text_references(html: str):
    """Reference tuples of the links in a rich text field's DB HTML."""
    return extract_references_from_rich_text(html or "")


@contextmanager
def preloaded_links(page_ids=(), document_ids=(), public_pages=None):
    """Resolve rich text links to these pages and documents from memory while active.

    PUBLIC_PAGES: the queryset of pages links may point to (default: live and public).
    """
    token = _preloaded.set(
        {
            "page": public_pages_by_id(page_ids, public_pages),
            "document": public_documents_by_id(document_ids),
        }
    )
    try:
        yield
    finally:
        _preloaded.reset(token)

"""Images and documents readers see on reviewed explainers cannot change around the review.

An image or document referenced by an explainer that is live or in review (Wagtail's
reference index, plus the revisions under review, which the index does not scan) keeps
its file, title and alt text unless a superuser changes them:

- for everyone else the image and document edit forms refuse the change with a message
  naming the pages (``ProtectedImageForm`` / ``ProtectedDocumentForm``, installed as
  ``WAGTAILIMAGES_IMAGE_FORM_BASE`` / ``WAGTAILDOCS_DOCUMENT_FORM_BASE``, so every view
  built on Wagtail's forms uses them);
- any change that does happen (a superuser in the admin, a script in the shell) flags
  those pages "re-review needed" (``flag_pages_using_changed_media``, a ``pre_save``
  receiver), listed in the editors' report beside "registry check needed".
"""

from __future__ import annotations

from django import forms
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.forms import BaseImageForm

# Fields whose change readers would see on the page.
WATCHED_FIELDS = {"file", "title", "description"}


def explainers_using(obj) -> list:
    """Live or in-review explainers that reference OBJ (an image or a document)."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page, ReferenceIndex, WorkflowState

    from insights.models import ExplainerPage
    from insights.review.permissions import is_protected

    if obj.pk is None:
        return []
    page_type = ContentType.objects.get_for_model(Page)
    ids = set(
        ReferenceIndex.get_references_to(obj)
        .filter(base_content_type=page_type)
        .values_list("object_id", flat=True)
    )
    target_type = ReferenceIndex._get_base_content_type(obj)
    in_review = WorkflowState.objects.filter(
        status=WorkflowState.STATUS_IN_PROGRESS,
        base_content_type=page_type,
        current_task_state__isnull=False,
    ).select_related("current_task_state__revision")
    for state in in_review:
        revision = state.current_task_state.revision
        if revision is None or str(state.object_id) in ids:
            continue
        draft = revision.as_object()
        if not isinstance(draft, ExplainerPage):
            continue
        for content_type_id, object_id, *_ in ReferenceIndex._extract_references_from_object(draft):
            if content_type_id == target_type.pk and str(object_id) == str(obj.pk):
                ids.add(str(state.object_id))
                break
    pages = ExplainerPage.objects.filter(pk__in=[int(i) for i in ids if str(i).isdigit()])
    return [page for page in pages.order_by("title") if is_protected(page)]


def _titles(pages) -> str:
    return ", ".join(f"“{page.title}”" for page in pages)


class ProtectedMediaFormMixin:
    """Refuse non-superusers' changes of a watched field of media used on reviewed pages."""

    noun = "file"

    def __init__(self, *args, user=None, **kwargs):
        self.review_user = user
        super().__init__(*args, user=user, **kwargs)

    def clean(self):
        cleaned_data = super().clean()
        changed = WATCHED_FIELDS & set(self.changed_data)
        user = self.review_user
        if not changed or self.instance.pk is None or (user and user.is_superuser):
            return cleaned_data
        pages = explainers_using(self.instance)
        if pages:
            what = ", ".join(sorted("alt text" if f == "description" else f for f in changed))
            raise forms.ValidationError(
                f"This {self.noun} is shown on published or in-review explainers: "
                f"{_titles(pages)}. Only a superuser may change its {what} (the change "
                "flags those pages for re-review). Upload a new one and change the pages "
                "instead: that edit goes through review.",
                code="reviewed_media",
            )
        return cleaned_data


class ProtectedImageForm(ProtectedMediaFormMixin, BaseImageForm):
    """Wagtail's image form, refusing changes to images on reviewed explainers."""

    noun = "image"


class ProtectedDocumentForm(ProtectedMediaFormMixin, BaseDocumentForm):
    """Wagtail's document form, refusing changes to documents on reviewed explainers."""

    noun = "document"


def flag_pages_using_changed_media(sender, instance, raw=False, update_fields=None, **kwargs):
    """``pre_save`` receiver for images and documents: a watched change flags the pages."""
    if raw or instance.pk is None:
        return
    fields = [f for f in WATCHED_FIELDS if hasattr(instance, f)]
    if update_fields is not None:
        # e.g. Wagtail storing a computed file size: only the named fields are written.
        fields = [f for f in fields if f in update_fields]
        if not fields:
            return
    old = type(instance).objects.filter(pk=instance.pk).values(*fields).first()
    if old is None:
        return
    changed = [f for f in fields if str(old[f] or "") != str(getattr(instance, f) or "")]
    if not changed:
        return
    from insights.review.flags import flag_for_re_review

    kind = "image" if "description" in fields else "document"
    what = ", ".join(sorted("alt text" if f == "description" else f for f in changed))
    for page in explainers_using(instance):
        flag_for_re_review(
            page,
            source=f"{kind}:{instance.pk}",
            reason=f"The {what} of {kind} “{instance.title}” changed after review.",
        )

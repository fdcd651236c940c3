"""People: the authors and reviewers readers see on every explainer.

A ``Person`` is a snippet with revisions and draft/publish. Content that cites a
person points at it with ``on_delete=PROTECT`` (declared in the citing app), so a
person who appears on content cannot be deleted; the admin explains why.
"""

from django.conf import settings
from django.db import models
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    PreviewableMixin,
    RevisionMixin,
)
from wagtail.search import index


class Role(models.TextChoices):
    """What a person does for ClinicalMetric; shown as the heading of their box."""

    FOUNDER = "founder", "Founder & Platform Director"
    RESEARCH = "research", "Research & Analysis"
    MEDICAL_REVIEW = "medical_review", "Medical Review"
    TECHNICAL_REVIEW = "technical_review", "Technical Review"


class ProfileLinkBlock(blocks.StructBlock):
    """One profile link (LinkedIn, ORCID, a personal site)."""

    label = blocks.CharBlock(max_length=60)
    url = blocks.URLBlock()

    class Meta:
        icon = "link"
        label = "Profile link"


def derive_initials(name: str) -> str:
    """First letters of the first and last words: "Efi Kara" -> "EK", "Plato" -> "P"."""
    words = [w for w in name.replace("-", " ").split() if w[:1].isalpha()]
    if not words:
        return ""
    letters = words[0][0] if len(words) == 1 else words[0][0] + words[-1][0]
    return letters.upper()


class Person(
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    index.Indexed,
    models.Model,
):
    """An author or reviewer: name, role, credentials, short bio, optional photo and user.

    ``user`` links the person to an admin account; it is how a workflow approval is
    traced back to the person shown to readers.
    """

    name = models.CharField(max_length=120)
    initials = models.CharField(
        max_length=4, blank=True, help_text="Shown in the avatar; derived from the name if blank."
    )
    role = models.CharField(max_length=30, choices=Role.choices, db_index=True)
    job_title = models.CharField(
        max_length=120, blank=True, help_text='e.g. "Clinical Research Analyst & ISO Inspector"'
    )
    credentials = models.CharField(
        max_length=200, blank=True, help_text='e.g. "MD, Oncology" or "B.Sc. Informatics"'
    )
    bio = models.TextField(max_length=1000, blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    links = StreamField([("link", ProfileLinkBlock())], blank=True, max_num=6)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        help_text="The admin account of this person, if any (traces review approvals).",
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("initials"), FieldPanel("role")], heading="Identity"
        ),
        FieldPanel("job_title"),
        FieldPanel("credentials"),
        FieldPanel("bio"),
        FieldPanel("photo"),
        FieldPanel("links"),
        # Only superusers hold this permission: re-linking a Person would let another
        # account approve reviews "as" them (PermissionedForm drops the field, so a
        # forged POST changes nothing either).
        FieldPanel("user", permission="people.link_person_user"),
    ]

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("job_title"),
        index.AutocompleteField("job_title"),
        index.SearchField("credentials"),
        index.AutocompleteField("credentials"),
        index.SearchField("bio"),
        index.FilterField("role"),
        index.FilterField("live"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = "person"
        verbose_name_plural = "people"
        permissions = [
            ("link_person_user", "Can link a person to an admin account (superusers only)")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.initials:
            self.initials = derive_initials(self.name)
        super().save(*args, **kwargs)

    @property
    def display_initials(self) -> str:
        return self.initials or derive_initials(self.name)

    @property
    def role_label(self) -> str:
        return self.get_role_display()

    def get_preview_template(self, request, mode_name):
        return "people/person_preview.html"

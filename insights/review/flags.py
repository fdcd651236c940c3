""" "Registry check needed": explainers citing a trial whose registry entry changed.

The flag is its own model rather than a field on ExplainerPage: a page field would be
copied into every revision, so publishing a revision saved before the flag was raised
would silently clear it. The trials sync raises flags through its
``trial_status_changed`` signal (``on_trial_status_changed``); a completed registry
verification of the page resolves them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from trials.labels import PHASE, STATUS, label


class RegistryCheckFlag(models.Model):
    """A published explainer that must be re-verified against the registry, and why."""

    page = models.ForeignKey(
        "insights.ExplainerPage", on_delete=models.CASCADE, related_name="registry_flags"
    )
    nct_id = models.CharField("NCT ID", max_length=11)
    reason = models.TextField()
    flagged_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-flagged_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["page", "nct_id"],
                condition=models.Q(resolved_at__isnull=True),
                name="one_open_registry_flag_per_trial",
            )
        ]

    def __str__(self) -> str:
        return f"{self.nct_id}: {self.reason}"


class ReReviewFlag(models.Model):
    """A live or in-review explainer whose media changed after review ("re-review needed").

    Raised when a superuser (or a script) changes the file, title or alt text of an image
    or document the page shows (``insights.review.media``); resolved by the page's next
    completed review. ``source`` names what changed (``image:12``, ``document:3``).
    """

    page = models.ForeignKey(
        "insights.ExplainerPage", on_delete=models.CASCADE, related_name="re_review_flags"
    )
    source = models.CharField(max_length=60)
    reason = models.TextField()
    flagged_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-flagged_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["page", "source"],
                condition=models.Q(resolved_at__isnull=True),
                name="one_open_re_review_flag_per_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


def flag_for_re_review(page, source: str, reason: str) -> ReReviewFlag:
    """Flag PAGE "re-review needed" because of SOURCE (one open flag per page and source)."""
    flag, _ = ReReviewFlag.objects.update_or_create(
        page_id=page.pk,
        source=source,
        resolved_at=None,
        defaults={"reason": reason, "flagged_at": timezone.now()},
    )
    return flag


def flag_explainers_citing(nct_id: str, reason: str) -> int:
    """Flag every live explainer citing NCT_ID as "registry check needed"; return how many.

    An explainer already flagged for this trial keeps one open flag, with the newest reason.
    """
    from insights.models import ExplainerPage

    nct_id = nct_id.strip().upper()
    page_ids = list(
        ExplainerPage.objects.live()
        .filter(trial_citations__nct_id=nct_id)
        .values_list("pk", flat=True)
        .distinct()
    )
    for page_id in page_ids:
        RegistryCheckFlag.objects.update_or_create(
            page_id=page_id,
            nct_id=nct_id,
            resolved_at=None,
            defaults={"reason": reason, "flagged_at": timezone.now()},
        )
    return len(page_ids)


def resolve_registry_flags(page, user=None) -> int:
    """Close PAGE's open flags (its review, ending in registry verification, completed)."""
    now = timezone.now()
    ReReviewFlag.objects.filter(page=page, resolved_at__isnull=True).update(
        resolved_at=now, resolved_by=user
    )
    return RegistryCheckFlag.objects.filter(page=page, resolved_at__isnull=True).update(
        resolved_at=now, resolved_by=user
    )


def registry_check_needed(page) -> bool:
    return RegistryCheckFlag.objects.filter(page=page, resolved_at__isnull=True).exists()


def on_trial_status_changed(
    sender,
    trial=None,
    nct_id=None,
    old_status="",
    new_status="",
    old_phases=None,
    new_phases=None,
    **kwargs,
):
    """Receiver for ``trials.signals.trial_status_changed`` (status or phases changed).

    Connected where both apps meet (``InsightsConfig.ready`` once the trials app sends
    it); returns how many explainers were flagged.
    """
    nct_id = nct_id or getattr(trial, "nct_id", "")
    if not nct_id:
        return 0
    new_status = new_status or getattr(trial, "overall_status", "")

    # In the registry's words for readers ("Recruiting", "Phase 2"), never its enum values:
    # the reason is shown as it is in the reports and the digest.
    def phases(values):
        return ", ".join(label(PHASE, value) for value in values) or "none"

    changes = []
    if old_status != new_status:
        before = label(STATUS, old_status) or "none"
        after = label(STATUS, new_status) or "none"
        changes.append(f"status changed from {before} to {after}")
    if old_phases is not None and new_phases is not None and list(old_phases) != list(new_phases):
        changes.append(f"phases changed from {phases(old_phases)} to {phases(new_phases)}")
    if not changes:
        changes.append("registry entry changed")
    reason = "Registry " + " and ".join(changes) + "."
    return flag_explainers_citing(nct_id, reason)

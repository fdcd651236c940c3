"""Where explainers meet the trials app, without the trials app knowing about explainers.

The trials app exposes extension points (``trials.citations``) and a signal
(``trials.signals.trial_status_changed``); this module fills them in, from
``InsightsConfig.ready``:

* the NCT IDs the registry sync must keep fresh: every trial cited by a saved explainer,
  plus those cited by the revisions now in review (stage 3 checks them, and their
  citations are not saved as rows until they are published);
* the live explainers that cite a trial, for the public trial pages;
* a status or phase change of a cited trial flags its explainers "registry check needed"
  (those citing one of its old NCT IDs too).
"""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from wagtail.models import WorkflowState

from trials import citations
from trials.models import Trial
from trials.signals import trial_status_changed


def cited_nct_ids() -> set[str]:
    from insights.models import ExplainerPage, ExplainerTrialCitation

    ids = set(ExplainerTrialCitation.objects.values_list("nct_id", flat=True).distinct())
    in_review = WorkflowState.objects.active().filter(
        content_type=ContentType.objects.get_for_model(ExplainerPage)
    )
    # Few pages are in review at a time: one revision each.
    for state in in_review.select_related("current_task_state__revision"):
        revision = state.current_task_state.revision if state.current_task_state else None
        if revision is not None:
            page = revision.as_object()
            # A revision saved before citations followed the body may still list an ID
            # its body dropped; what the body says is what the sync must keep fresh.
            page.refresh_derived_fields()  # in memory only
            ids.update(c.nct_id for c in page.trial_citations.all())
    return {nct_id.upper() for nct_id in ids if nct_id}


def citing_pages(nct_ids) -> dict[str, list[citations.CitingPage]]:
    """Live, public explainers citing each of NCT_IDS: one query for all of them."""
    from insights.models import ExplainerPage, ExplainerTrialCitation

    live = ExplainerPage.objects.live().public()
    rows = (
        ExplainerTrialCitation.objects.filter(nct_id__in=list(nct_ids), page__in=live)
        .select_related("page")
        .order_by("page__title")
    )
    result: dict[str, list[citations.CitingPage]] = defaultdict(list)
    seen = set()
    for row in rows:
        if (row.nct_id, row.page_id) in seen:
            continue
        seen.add((row.nct_id, row.page_id))
        result[row.nct_id].append(
            citations.CitingPage(title=row.page.title, url=row.page.url, page_id=row.page_id)
        )
    return dict(result)


def flag_citing_explainers(sender, trial=None, **kwargs) -> int:
    """Receiver of ``trial_status_changed``: flag the explainers citing the trial by its
    current NCT ID or by one of its old ones (aliases)."""
    from insights.review.flags import on_trial_status_changed

    flagged = on_trial_status_changed(sender, trial=trial, **kwargs)
    for alias in getattr(trial, "nct_id_aliases", None) or []:
        flagged += on_trial_status_changed(sender, trial=trial, nct_id=alias, **kwargs)
    return flagged


def connect() -> None:
    citations.register_cited_ids_provider(cited_nct_ids)
    citations.register_citing_pages_provider(citing_pages)
    trial_status_changed.connect(
        flag_citing_explainers, sender=Trial, dispatch_uid="insights.registry_check_flag"
    )

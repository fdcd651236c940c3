"""Sources: trials by NCT ID (rendered live from the registry copy) and references."""

from wagtail import blocks

from trials.models import OverallStatus, Phase, registry_url, trials_by_nct_id
from trials.widgets import NctIdChooserInput

from .base import DOI_RE, PMID_RE, struct_error, validate_nct_id


def trial_row(nct_id: str, trial) -> dict:
    """What a reader sees of one cited trial; TRIAL is None when it is not synced yet."""
    row = {
        "nct_id": nct_id,
        "trial": trial,
        "registry_url": registry_url(nct_id),
    }
    if trial is not None:
        status = trial.overall_status
        row["status_label"] = (
            OverallStatus(status).label if status in OverallStatus.values else status.title()
        )
        row["phase_label"] = ", ".join(
            Phase(p).label if p in Phase.values else str(p) for p in trial.phases or []
        )
    return row


class NctIdBlock(blocks.CharBlock):
    """An NCT ID, typed or picked with the trial chooser; the value is the ID as text.

    A trial the sync has not fetched yet can be cited too (the sync fetches cited IDs).
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 11)
        kwargs.setdefault("validators", [validate_nct_id])
        super().__init__(**kwargs)
        self.field.widget = NctIdChooserInput()

    def clean(self, value):
        return super().clean((value or "").strip().upper())


class TrialListBlock(blocks.StructBlock):
    """Trials by NCT ID, rendered live from the registry copy (one query for the page).

    The page puts ``trials_by_nct`` (every cited trial, fetched once) in the context;
    rendered on its own the block fetches its trials in one query.
    """

    heading = blocks.CharBlock(max_length=120, required=False)
    nct_ids = blocks.ListBlock(
        NctIdBlock(label="NCT ID"),
        min_num=1,
        label="NCT IDs",
    )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        ids = list(dict.fromkeys(value["nct_ids"]))
        known = (parent_context or {}).get("trials_by_nct")
        if known is None:
            known = trials_by_nct_id(ids)
        context["trial_rows"] = [trial_row(nct_id, known.get(nct_id)) for nct_id in ids]
        return context

    def get_api_representation(self, value, context=None):
        return {
            "heading": value["heading"],
            "trials": [
                {"nct_id": nct_id, "registry_url": registry_url(nct_id)}
                for nct_id in dict.fromkeys(value["nct_ids"])
            ],
        }

    class Meta:
        icon = "table"
        label = "Trial list"
        template = "insights/blocks/trial_list.html"


class ReferenceBlock(blocks.StructBlock):
    """A citation with at least one of URL, DOI or PMID."""

    citation = blocks.CharBlock(max_length=400, help_text="Authors, title, journal, year.")
    url = blocks.URLBlock(required=False, label="URL")
    doi = blocks.CharBlock(max_length=200, required=False, label="DOI", help_text="10.xxxx/...")
    pmid = blocks.CharBlock(max_length=9, required=False, label="PMID")

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        doi = (value.get("doi") or "").strip()
        if doi.lower().startswith(("https://doi.org/", "http://doi.org/", "doi:")):
            doi = doi.split("doi.org/", 1)[-1].removeprefix("doi:").strip()
            value["doi"] = doi
        if doi and not DOI_RE.match(doi):
            errors["doi"] = (
                "A DOI starts with 10. and a registrant code, e.g. 10.1056/NEJMoa1707447."
            )
        pmid = (value.get("pmid") or "").strip()
        if pmid and not PMID_RE.match(pmid):
            errors["pmid"] = "A PubMed ID is a number of up to 9 digits, e.g. 29226797."
        if not errors and not (value.get("url") or doi or pmid):
            errors["url"] = "Give at least one of URL, DOI or PMID so readers can find the source."
        if errors:
            raise struct_error(errors)
        return value

    def get_api_representation(self, value, context=None):
        return {
            "citation": value["citation"],
            "url": value["url"] or None,
            "doi": value["doi"] or None,
            "pmid": value["pmid"] or None,
            "links": reference_links(value),
        }

    class Meta:
        icon = "doc-full"
        label = "Reference"


def reference_links(value) -> list[dict]:
    links = []
    if value.get("doi"):
        links.append({"label": f"doi:{value['doi']}", "url": f"https://doi.org/{value['doi']}"})
    if value.get("pmid"):
        links.append(
            {
                "label": f"PMID {value['pmid']}",
                "url": f"https://pubmed.ncbi.nlm.nih.gov/{value['pmid']}/",
            }
        )
    if value.get("url"):
        links.append({"label": "Source", "url": value["url"]})
    return links


class ReferencesBlock(blocks.StructBlock):
    """A numbered list of sources."""

    heading = blocks.CharBlock(max_length=120, required=False, default="References")
    references = blocks.ListBlock(ReferenceBlock(), min_num=1)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["reference_rows"] = [(ref, reference_links(ref)) for ref in value["references"]]
        return context

    def get_api_representation(self, value, context=None):
        ref_block = self.child_blocks["references"].child_block
        return {
            "heading": value["heading"],
            "references": [ref_block.get_api_representation(ref) for ref in value["references"]],
        }

    class Meta:
        icon = "doc-full"
        label = "References"
        template = "insights/blocks/references.html"

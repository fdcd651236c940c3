"""Mapping registry records (our example records, and the registry's reference records
where they are on this machine) to Trial columns, and the fields= projection."""

import json
from datetime import date

import pytest

from trials.models import phase_label, phase_labels_containing
from trials.registry.fields import PIECES, project
from trials.registry.mapping import MappingError, canonical_json, content_hash, map_study

from .fake_registry import field_paths, real_studies, real_study, served_studies, study_record


def mapped(nct_id: str):
    return map_study(project(study_record(nct_id)))


@pytest.mark.reference_records
def test_every_requested_field_is_a_registry_field():
    """The projection uses names the registry's own metadata defines, at the same paths."""
    known = field_paths()
    for piece, path in PIECES.items():
        assert known.get(piece) == path, piece


def test_every_served_study_maps_without_error():
    for study in served_studies():
        result = map_study(project(study))
        assert result.columns["nct_id"].startswith("NCT")
        assert result.columns["brief_title"]
        assert result.warnings == []


@pytest.mark.reference_records
def test_every_reference_study_maps_without_error():
    studies = real_studies()
    assert len(studies) >= 30
    for study in studies:
        result = map_study(project(study))
        assert result.columns["nct_id"].startswith("NCT")
        assert result.columns["brief_title"]
        assert result.warnings == []


def test_example_unknown_status_keeps_last_known_in_raw():
    columns = mapped("NCT99000009").columns
    assert columns["overall_status"] == "UNKNOWN"
    assert columns["raw"]["protocolSection"]["statusModule"]["lastKnownStatus"] == "RECRUITING"
    assert columns["phases"] == ["PHASE2"]
    assert columns["start_date"] == "2022-02-14"
    assert columns["primary_completion_date"] == "2024-02"
    assert columns["enrollment"] == 150
    assert columns["countries"] == ["United Kingdom"]
    assert columns["locations_count"] == 2
    assert columns["last_update_posted"] == date(2023, 4, 18)
    assert [i["name"] for i in columns["interventions"]] == [
        "Tocilizumab",
        "Standard supportive care",
    ]
    assert columns["interventions"][0]["type"] == "DRUG"
    assert columns["last_known_status"] == "RECRUITING"


@pytest.mark.reference_records
def test_unknown_status_keeps_last_known_in_raw():
    result = map_study(project(real_study("NCT03475563")))
    columns = result.columns
    assert columns["overall_status"] == "UNKNOWN"
    assert columns["raw"]["protocolSection"]["statusModule"]["lastKnownStatus"] == "RECRUITING"
    assert columns["study_type"] == "OBSERVATIONAL"
    assert columns["phases"] == []  # observational studies have no phases
    assert columns["phase_label"] == ""
    assert columns["start_date"] == "2018-08-16"
    assert columns["primary_completion_date"] == "2019-12-30"
    assert columns["enrollment"] == 100
    assert columns["countries"] == ["Spain"]
    assert columns["locations_count"] == 3
    assert columns["last_update_posted"] == date(2019, 11, 27)
    assert columns["conditions"] == ["Coronary Artery Disease"]
    assert columns["interventions"] == [
        {
            "name": "Coronary angioplasty with stent implantation",
            "type": "PROCEDURE",
            "arms": ["Patients with coronary artery disease"],
        }
    ]
    assert (columns["last_known_status"], columns["status_verified_date"]) == (
        "RECRUITING",
        "2019-11",
    )
    assert (columns["enrollment_type"], columns["primary_completion_date_type"]) == (
        "ESTIMATED",
        "ESTIMATED",
    )
    assert columns["start_date_type"] == "ACTUAL"
    assert columns["site_statuses"] == {"RECRUITING": 3}
    assert columns["lead_sponsor"] == "Hospital Universitari Vall d'Hebron Research Institute"


@pytest.mark.parametrize(
    "nct_id", ["NCT99000004", pytest.param("NCT00184067", marks=pytest.mark.reference_records)]
)
def test_terminated_study_keeps_why_stopped(nct_id):
    columns = mapped(nct_id).columns
    assert columns["overall_status"] == "TERMINATED"
    assert columns["raw"]["protocolSection"]["statusModule"]["whyStopped"]


@pytest.mark.reference_records
def test_large_study_is_reduced_to_its_projection():
    study = real_study("NCT02513394")
    assert len(canonical_json(study)) > 700_000  # 1.5 MB as the registry indents it
    columns = map_study(project(study)).columns
    assert columns["locations_count"] == 437
    assert len(columns["countries"]) > 5
    # 437 sites with their place and geoPoint (#13), without per-site contacts, results
    # or descriptions: a tenth of the record
    assert len(canonical_json(columns["raw"])) < 100_000


def test_partial_dates_keep_their_precision():
    study = project(study_record("NCT99000009"))
    status = study["protocolSection"]["statusModule"]
    status["startDateStruct"] = {"date": "2022-02", "type": "ACTUAL"}
    status["completionDateStruct"] = {"date": "2020"}
    status["primaryCompletionDateStruct"] = {"date": "August 2019"}
    result = map_study(study)
    assert result.columns["start_date"] == "2022-02"
    assert result.columns["completion_date"] == "2020"
    assert result.columns["primary_completion_date"] == ""
    assert any("primaryCompletionDate" in w for w in result.warnings)


def test_unknown_enum_values_and_fields_are_stored_and_reported():
    study = project(study_record("NCT99000009"))
    study["protocolSection"]["statusModule"]["overallStatus"] = "PAUSED_FOR_REVIEW"
    study["protocolSection"]["designModule"]["phases"] = ["PHASE2", "PHASE5"]
    study["protocolSection"]["statusModule"]["newRegistryField"] = {"value": 1}
    result = map_study(study)
    assert result.columns["overall_status"] == "PAUSED_FOR_REVIEW"
    assert result.columns["phases"] == ["PHASE2", "PHASE5"]
    assert result.columns["phase_label"] == "PHASE2|PHASE5"
    assert result.columns["raw"]["protocolSection"]["statusModule"]["newRegistryField"]
    text = "\n".join(result.warnings)
    assert "unknown overallStatus 'PAUSED_FOR_REVIEW'" in text
    assert "unknown phase 'PHASE5'" in text
    assert "protocolSection.statusModule.newRegistryField" in text


@pytest.mark.parametrize(
    "breakage",
    [
        lambda s: s["protocolSection"]["identificationModule"].pop("nctId"),
        lambda s: s["protocolSection"]["identificationModule"].update(nctId="NCT123"),
        lambda s: s["protocolSection"]["identificationModule"].pop("briefTitle"),
        lambda s: s["protocolSection"]["statusModule"].pop("overallStatus"),
        lambda s: s.pop("protocolSection"),
    ],
)
def test_missing_required_fields_raise(breakage):
    study = project(study_record("NCT99000009"))
    breakage(study)
    with pytest.raises(MappingError):
        map_study(study)


def test_hash_depends_on_content_not_key_order():
    study = project(study_record("NCT99000009"))
    reordered = json.loads(json.dumps(dict(reversed(list(study.items())))))
    assert list(reordered) != list(study)
    assert content_hash(canonical_json(study)) == content_hash(canonical_json(reordered))
    study["protocolSection"]["statusModule"]["overallStatus"] = "COMPLETED"
    assert content_hash(canonical_json(study)) != content_hash(canonical_json(reordered))


def test_search_text_and_conditions_text_are_lower_case():
    columns = mapped("NCT99000009").columns
    assert "cytokine release syndrome" in columns["conditions_text"]
    assert "nct99000009" in columns["search_text"]
    assert "tocilizumab" in columns["search_text"]


def test_phase_labels():
    assert phase_label(["PHASE2", "PHASE1"]) == "PHASE1|PHASE2"
    assert phase_label([]) == ""
    assert set(phase_labels_containing("PHASE2")) >= {"PHASE2", "PHASE1|PHASE2", "PHASE2|PHASE3"}
    assert "PHASE3" not in phase_labels_containing("PHASE2")


def test_projection_keeps_list_lengths():
    study = {"a": {"items": [{"x": 1, "y": 2}, {"y": 3}]}}
    assert project(study, ["a.items.x"]) == {"a": {"items": [{"x": 1}, {}]}}
    assert project(study, ["a.missing"]) == {}

"""Example registry records of our own, in the shape of ClinicalTrials.gov API v2.

The demo site and the tests need studies that look like the registry's, but the
registry's records belong to their sponsors and the registry. These are invented: titles,
sponsors, sites, people and summaries are ours, every brief title starts with "Example
record", and the NCT IDs sit in a range the registry has not issued (NCT99000001…), so a
deployed site never presents them as real studies. Cities and their coordinates are real
places so that distances mean something.

Between them they cover what the product shows: every overall status (UNKNOWN with a last
known status), multi-phase studies, ACTUAL and ESTIMATED dates and enrolment, posted
results, why a study stopped, collaborators, intervention types (one name in two arms),
an NCT ID alias, secondary IDs, eligibility criteria, central contacts, sites with
statuses and ``geoPoint``s in several countries.

``python -m trials.demo.records`` rewrites ``example_studies.json`` beside this file;
a test checks that the committed file is what this module builds.
"""

import json
import sys
from pathlib import Path

from trials.demo.shape import adults, criteria, date, site, study

JSON_PATH = Path(__file__).with_name("example_studies.json")

CAR_T_CRITERIA = criteria(
    [
        "Large B-cell lymphoma that came back or did not respond after at least two earlier "
        "lines of treatment",
        "Able to carry out daily activities with little or no help (ECOG 0 or 1)",
        "Adequate kidney, liver, heart and lung function",
    ],
    [
        "Lymphoma in the brain or spinal cord",
        "Active infection that is not controlled",
        "Earlier treatment with any CAR-T product",
    ],
)

EXPANDED_ACCESS = {"hasExpandedAccess": True}


def build() -> list[dict]:
    """Every example record, in NCT ID order."""
    return [
        study(
            1,
            "Engineered CD19-directed T-cells for relapsed large B-cell lymphoma",
            official=(
                "An Open-label Phase 1/2 Study of CMX-19, Autologous Anti-CD19 CAR-T Cells, in "
                "Adults With Relapsed or Refractory Large B-cell Lymphoma (example record)"
            ),
            acronym="CARVEL-1",
            status="RECRUITING",
            summary=(
                "This invented study tests whether a patient's own T-cells, collected and "
                "fitted in a laboratory with a receptor that finds the CD19 marker, can clear "
                "lymphoma that has come back after two earlier treatments. Part 1 looks for a "
                "safe dose; part 2 measures how many people respond."
            ),
            sponsor="Northbridge Cell Therapeutics",
            collaborators=["European Lymphoma Example Network", "Harbourside Cancer Institute"],
            conditions=["Large B-cell Lymphoma", "Diffuse Large B-cell Lymphoma"],
            keywords=["CAR-T", "CD19", "cell therapy"],
            phases=["PHASE1", "PHASE2"],
            interventions=[
                ("BIOLOGICAL", "CMX-19 CAR-T cells", ["Dose finding", "Expansion"]),
                ("DRUG", "Fludarabine", ["Dose finding", "Expansion"]),
                ("DRUG", "Cyclophosphamide", ["Dose finding", "Expansion"]),
            ],
            enrollment=(120, "ESTIMATED"),
            start=date("2024-05-14"),
            primary_completion=date("2027-06", "ESTIMATED"),
            completion=date("2029-12", "ESTIMATED"),
            aliases=["NCT99000901"],
            secondary_ids=[
                {"id": "2024-500123-11-00", "type": "CTIS"},
                {"id": "2023-001234-56", "type": "EUDRACT_NUMBER"},
            ],
            eligibility={**adults(text=CAR_T_CRITERIA), "stdAges": ["ADULT", "OLDER_ADULT"]},
            sites=[
                site("Harbourside Cancer Institute", "boston", "RECRUITING"),
                site("Gulf Coast Cell Therapy Centre", "houston", "RECRUITING"),
                site("Pacific Northwest Haematology Unit", "seattle", "NOT_YET_RECRUITING"),
                site("Lakeshore University Hospital", "chicago", "SUSPENDED"),
                site("Thameside Haematology Centre", "london", "RECRUITING"),
                site("Northern Cell Therapy Unit", "manchester", "RECRUITING"),
                site("Charité-style Example Clinic", "berlin", "ACTIVE_NOT_RECRUITING"),
                site("Isar Lymphoma Centre", "munich", "WITHDRAWN"),
            ],
        ),
        study(
            2,
            "BCMA-directed CAR-T cells for multiple myeloma after three prior therapies",
            official=(
                "A Phase 2 Study of CMX-BC Autologous Anti-BCMA CAR-T Cells at Two Dose Levels "
                "in Relapsed Multiple Myeloma (example record)"
            ),
            status="ACTIVE_NOT_RECRUITING",
            summary=(
                "An invented study of T-cells engineered to find BCMA, a marker on myeloma "
                "cells, in people whose myeloma returned after three kinds of treatment. Two "
                "dose levels are compared for response and side effects."
            ),
            sponsor="Northbridge Cell Therapeutics",
            conditions=["Multiple Myeloma"],
            keywords=["CAR-T", "BCMA"],
            phases=["PHASE2"],
            # One product name in two arms: two interventions, never merged.
            interventions=[
                ("BIOLOGICAL", "CMX-BC CAR-T cells", ["Dose level 1"]),
                ("BIOLOGICAL", "CMX-BC CAR-T cells", ["Dose level 2"]),
            ],
            enrollment=(86, "ACTUAL"),
            start=date("2023-02-01"),
            primary_completion=date("2026-04-30"),
            completion=date("2028-03", "ESTIMATED"),
            eligibility=adults("18 Years", "75 Years"),
            sites=[
                site("Seine Myeloma Institute", "paris", "ACTIVE_NOT_RECRUITING"),
                site("Rhône Haematology Centre", "lyon", "ACTIVE_NOT_RECRUITING"),
                site("Meseta Cancer Hospital", "madrid", "ACTIVE_NOT_RECRUITING"),
                site("Lakeview Cell Therapy Program", "toronto", "COMPLETED"),
            ],
        ),
        study(
            3,
            "CD19 CAR-T cells for children and young adults with relapsed leukaemia",
            official=(
                "A Single-arm Phase 2 Study of CMX-19P CAR-T Cells in Children and Young Adults "
                "With Relapsed B-cell Acute Lymphoblastic Leukaemia (example record)"
            ),
            status="COMPLETED",
            summary=(
                "An invented, completed study of CD19-directed CAR-T cells in children and "
                "young adults whose leukaemia came back. Results were posted to the registry."
            ),
            sponsor="Meridian Paediatric Oncology Group",
            conditions=["B-cell Acute Lymphoblastic Leukemia"],
            keywords=["CAR-T", "paediatric"],
            phases=["PHASE2"],
            interventions=[("BIOLOGICAL", "CMX-19P CAR-T cells", ["CAR-T infusion"])],
            enrollment=(64, "ACTUAL"),
            start=date("2019-09-10"),
            primary_completion=date("2022-03-15"),
            completion=date("2024-09-30"),
            verified="2025-06",
            first_posted="2019-08-01",
            last_update="2025-06-12",
            results_posted="2025-06-12",
            eligibility={
                **adults("1 Year", "25 Years"),
                "stdAges": ["CHILD", "ADULT"],
            },
            sites=[
                site("Harbourside Children's Hospital", "boston", "COMPLETED"),
                site("Great Northern Children's Hospital", "london", "COMPLETED"),
                site("Harbour City Children's Hospital", "sydney", "COMPLETED"),
            ],
        ),
        study(
            4,
            "CAR-T cells targeting a brain-tumour marker in recurrent glioblastoma",
            official=(
                "A Phase 1 Study of Locally Delivered CMX-G2 CAR-T Cells in Recurrent "
                "Glioblastoma (example record)"
            ),
            status="TERMINATED",
            summary=(
                "An invented early study that delivered engineered T-cells directly into the "
                "brain of people whose glioblastoma had returned. It stopped early."
            ),
            sponsor="Halden Neuro-Oncology",
            conditions=["Glioblastoma"],
            keywords=["CAR-T", "solid tumour"],
            phases=["PHASE1"],
            interventions=[
                ("BIOLOGICAL", "CMX-G2 CAR-T cells", ["Intracavitary delivery"]),
                ("DEVICE", "Reservoir catheter", ["Intracavitary delivery"]),
            ],
            enrollment=(9, "ACTUAL"),
            start=date("2021-01-20"),
            primary_completion=date("2023-02-28"),
            completion=date("2023-02-28"),
            verified="2023-04",
            last_update="2023-04-05",
            extra_status={
                "whyStopped": "Sponsor decision after an interim review showed too few responses"
            },
            eligibility=adults("18 Years", "70 Years"),
            sites=[
                site("Lakeshore University Hospital", "chicago", "TERMINATED"),
                site("Amstel Neuro-Oncology Centre", "amsterdam", "TERMINATED"),
            ],
        ),
        study(
            5,
            "Donor-derived 'off-the-shelf' CAR-T cells for B-cell lymphoma",
            official=(
                "A First-in-human Phase 1 Study of CMX-A19 Allogeneic CAR-T Cells in Relapsed "
                "B-cell Lymphoma (example record)"
            ),
            status="NOT_YET_RECRUITING",
            summary=(
                "An invented study, not yet open, of CAR-T cells made in advance from healthy "
                "donors' blood, so that patients would not wait weeks for their own cells."
            ),
            sponsor="Halden Biotherapeutics",
            conditions=["B-cell Lymphoma"],
            keywords=["CAR-T", "allogeneic"],
            phases=["EARLY_PHASE1", "PHASE1"],
            interventions=[("GENETIC", "CMX-A19 allogeneic CAR-T cells", ["Dose escalation"])],
            enrollment=(36, "ESTIMATED"),
            start=date("2027-01-15", "ESTIMATED"),
            primary_completion=date("2028-12", "ESTIMATED"),
            completion=date("2030-06", "ESTIMATED"),
            first_posted="2026-09-01",
            last_update="2026-09-01",
            eligibility=adults(),
            sites=[
                site("Harbourside Cancer Institute", "boston", "NOT_YET_RECRUITING"),
                site("Thameside Haematology Centre", "london", "NOT_YET_RECRUITING"),
            ],
        ),
        study(
            6,
            "CAR-T cells to reset the immune system in severe lupus",
            official=(
                "A Phase 1 Study of CMX-19A CAR-T Cells in Refractory Systemic Lupus "
                "Erythematosus (example record)"
            ),
            status="ENROLLING_BY_INVITATION",
            summary=(
                "An invented study that uses CD19-directed CAR-T cells to remove the B-cells "
                "that drive severe lupus, in people invited from an existing clinic."
            ),
            sponsor="Isar Immunology Research",
            collaborators=["European Lupus Example Consortium"],
            conditions=["Systemic Lupus Erythematosus"],
            keywords=["CAR-T", "autoimmune"],
            phases=["PHASE1"],
            interventions=[("BIOLOGICAL", "CMX-19A CAR-T cells", ["Single infusion"])],
            enrollment=(24, "ESTIMATED"),
            start=date("2025-03-03"),
            primary_completion=date("2027-03", "ESTIMATED"),
            completion=date("2028-03", "ESTIMATED"),
            eligibility=adults("18 Years", "65 Years", sex="ALL"),
            sites=[
                site("Isar Lymphoma Centre", "munich", "ENROLLING_BY_INVITATION"),
                site("Lombardy Immunology Institute", "milan", "ENROLLING_BY_INVITATION"),
            ],
        ),
        study(
            7,
            "Outpatient CAR-T infusion with remote monitoring",
            official=(
                "A Phase 2 Study of Outpatient Administration of CMX-19 CAR-T Cells With "
                "Wearable Monitoring (example record)"
            ),
            status="SUSPENDED",
            summary=(
                "An invented study of whether CAR-T cells can be given without an overnight "
                "hospital stay, with patients wearing a monitor at home. Enrolment is paused."
            ),
            sponsor="Northbridge Cell Therapeutics",
            conditions=["Large B-cell Lymphoma"],
            keywords=["CAR-T", "outpatient"],
            phases=["PHASE2"],
            interventions=[
                ("BIOLOGICAL", "CMX-19 CAR-T cells", ["Outpatient infusion"]),
                ("DEVICE", "Wearable temperature and heart-rate monitor", ["Outpatient infusion"]),
            ],
            enrollment=(40, "ESTIMATED"),
            start=date("2025-01-08"),
            primary_completion=date("2027-01", "ESTIMATED"),
            completion=date("2027-07", "ESTIMATED"),
            extra_status={
                "whyStopped": "Enrolment paused while the cell-processing site is re-inspected"
            },
            eligibility=adults(),
            sites=[
                site("Gulf Coast Cell Therapy Centre", "houston", "SUSPENDED"),
                site("Pacific Northwest Haematology Unit", "seattle", "SUSPENDED"),
            ],
        ),
        study(
            8,
            "Dual-target CAR-T cells for mantle cell lymphoma",
            official=(
                "A Phase 1 Study of CMX-2022 Dual CD19/CD20 CAR-T Cells in Mantle Cell "
                "Lymphoma (example record)"
            ),
            status="WITHDRAWN",
            summary=(
                "An invented study that was withdrawn before anyone took part: it would have "
                "tested CAR-T cells that recognise two markers at once."
            ),
            sponsor="Halden Biotherapeutics",
            conditions=["Mantle Cell Lymphoma"],
            keywords=["CAR-T"],
            phases=["PHASE1"],
            interventions=[("BIOLOGICAL", "CMX-2022 CAR-T cells", ["Dose escalation"])],
            enrollment=(0, "ACTUAL"),
            start=date("2024-06", "ESTIMATED"),
            primary_completion=date("2025-06", "ESTIMATED"),
            completion=date("2026-06", "ESTIMATED"),
            verified="2024-05",
            last_update="2024-05-21",
            extra_status={"whyStopped": "Funding withdrawn before the first participant"},
            eligibility=adults(),
        ),
        study(
            9,
            "Early tocilizumab to prevent severe cytokine release after CAR-T",
            official=(
                "A Randomised Phase 2 Study of Pre-emptive Tocilizumab for Cytokine Release "
                "Syndrome After CAR-T Cell Infusion (example record)"
            ),
            status="UNKNOWN",
            summary=(
                "An invented study comparing an anti-inflammatory antibody given at the first "
                "fever after CAR-T with the usual approach of waiting for more severe signs. "
                "The sponsor has not confirmed its status for a long time."
            ),
            sponsor="Thameside Haematology Research Trust",
            conditions=["Cytokine Release Syndrome", "Large B-cell Lymphoma"],
            keywords=["CAR-T", "CRS", "tocilizumab"],
            phases=["PHASE2"],
            interventions=[
                ("DRUG", "Tocilizumab", ["Pre-emptive tocilizumab"]),
                ("OTHER", "Standard supportive care", ["Standard care"]),
            ],
            enrollment=(150, "ESTIMATED"),
            start=date("2022-02-14"),
            primary_completion=date("2024-02", "ESTIMATED"),
            completion=date("2024-08", "ESTIMATED"),
            verified="2023-04",
            first_posted="2022-01-10",
            last_update="2023-04-18",
            extra_status={"lastKnownStatus": "RECRUITING"},
            eligibility=adults(),
            sites=[
                site("Thameside Haematology Centre", "london", "RECRUITING"),
                site("Northern Cell Therapy Unit", "manchester", "RECRUITING"),
            ],
        ),
        study(
            10,
            "Expanded access to CMX-19 for patients who cannot join a trial",
            official="Expanded Access Programme for CMX-19 CAR-T Cells (example record)",
            status="AVAILABLE",
            summary=(
                "An invented expanded-access programme: a way for doctors to request the "
                "product for a patient who has no other option and cannot join a study."
            ),
            sponsor="Northbridge Cell Therapeutics",
            conditions=["Large B-cell Lymphoma"],
            keywords=["CAR-T", "expanded access"],
            study_type="EXPANDED_ACCESS",
            interventions=[("BIOLOGICAL", "CMX-19 CAR-T cells", [])],
            extra_status={"expandedAccessInfo": EXPANDED_ACCESS},
            eligibility=adults(),
        ),
        study(
            11,
            "Expanded access to an out-of-specification CAR-T product",
            official="Single-patient Access to Out-of-specification CMX-BC Cells (example record)",
            status="NO_LONGER_AVAILABLE",
            summary=(
                "An invented access programme, now closed, for patients whose manufactured "
                "cells narrowly missed a release specification."
            ),
            sponsor="Northbridge Cell Therapeutics",
            conditions=["Multiple Myeloma"],
            study_type="EXPANDED_ACCESS",
            interventions=[("BIOLOGICAL", "CMX-BC CAR-T cells", [])],
            last_update="2025-11-03",
            extra_status={"expandedAccessInfo": EXPANDED_ACCESS},
        ),
        study(
            12,
            "Expanded access to a checkpoint antibody while supply is limited",
            official="Expanded Access Programme for HLX-PD1 (example record)",
            status="TEMPORARILY_NOT_AVAILABLE",
            summary=(
                "An invented access programme for an antibody medicine, paused while supply "
                "is limited."
            ),
            sponsor="Halden Biotherapeutics",
            conditions=["Melanoma"],
            study_type="EXPANDED_ACCESS",
            interventions=[("DRUG", "HLX-PD1", [])],
            extra_status={"expandedAccessInfo": EXPANDED_ACCESS},
        ),
        study(
            13,
            "Access programme for a weekly GLP-1 medicine ahead of its launch",
            official="Pre-approval Access to GLX-7 Weekly Injection (example record)",
            status="APPROVED_FOR_MARKETING",
            summary=(
                "An invented access programme that ended when the medicine was approved for sale."
            ),
            sponsor="Glenmoor Metabolic",
            conditions=["Obesity", "Type 2 Diabetes"],
            study_type="EXPANDED_ACCESS",
            interventions=[("DRUG", "GLX-7", [])],
            extra_status={"expandedAccessInfo": EXPANDED_ACCESS},
        ),
        study(
            14,
            "Access programme whose details the sponsor has withheld",
            official="Expanded Access Programme (example record)",
            status="WITHHELD",
            summary="An invented access programme whose details are not public.",
            sponsor="Halden Biotherapeutics",
            conditions=["Lymphoma"],
            study_type="EXPANDED_ACCESS",
            interventions=[("BIOLOGICAL", "CMX-19 CAR-T cells", [])],
        ),
        study(
            15,
            "Adding a second checkpoint antibody after surgery for high-risk melanoma",
            official=(
                "A Randomised, Double-blind Phase 3 Study of HLX-PD1 With or Without HLX-L3 "
                "After Surgery for Stage III Melanoma (example record)"
            ),
            acronym="ADJUVANT-EX",
            status="RECRUITING",
            summary=(
                "An invented study of whether adding a second checkpoint antibody to the usual "
                "one lowers the chance of melanoma returning after it was removed by surgery."
            ),
            sponsor="Halden Biotherapeutics",
            collaborators=["International Melanoma Example Group"],
            conditions=["Melanoma", "Stage III Melanoma"],
            keywords=["checkpoint inhibitor", "PD-1", "LAG-3", "immunotherapy"],
            phases=["PHASE3"],
            interventions=[
                ("DRUG", "HLX-PD1", ["Combination", "Single antibody"]),
                ("DRUG", "HLX-L3", ["Combination"]),
                ("DRUG", "Placebo", ["Single antibody"]),
            ],
            enrollment=(900, "ESTIMATED"),
            start=date("2025-06-02"),
            primary_completion=date("2029-06", "ESTIMATED"),
            completion=date("2032-06", "ESTIMATED"),
            secondary_ids=[{"id": "2025-500777-42-00", "type": "CTIS"}],
            eligibility=adults(
                "12 Years",
                text=criteria(
                    [
                        "Stage III melanoma completely removed by surgery within the last 12 weeks",
                        "Age 12 years or older and weighing at least 40 kg",
                    ],
                    ["Earlier treatment with a checkpoint antibody", "Active autoimmune disease"],
                ),
            ),
            sites=[
                site("Harbourside Cancer Institute", "boston", "RECRUITING"),
                site("Gulf Coast Skin Cancer Centre", "houston", "RECRUITING"),
                site("Lakeview Melanoma Clinic", "toronto", "RECRUITING"),
                site("Thameside Skin Cancer Unit", "london", "RECRUITING"),
                site("Northern Melanoma Centre", "manchester", "NOT_YET_RECRUITING"),
                site("Spree Dermato-Oncology", "berlin", "RECRUITING"),
                site("Seine Melanoma Unit", "paris", "RECRUITING"),
                site("Mediterranean Cancer Hospital", "barcelona", "SUSPENDED"),
                site("Lombardy Melanoma Institute", "milan", "RECRUITING"),
                site("Amstel Cancer Centre", "amsterdam", "COMPLETED"),
                site("Harbour City Melanoma Institute", "sydney", "RECRUITING"),
            ],
        ),
        study(
            16,
            "Fifteen-year follow-up of people who received CAR-T cells",
            official=(
                "Long-term Follow-up Registry of Patients Treated With Gene-modified T-cells "
                "(example record)"
            ),
            status="RECRUITING",
            summary=(
                "An invented observational registry that follows people for 15 years after "
                "CAR-T treatment to look for late side effects. No treatment is given."
            ),
            sponsor="Northbridge Cell Therapeutics",
            conditions=["Lymphoma", "Leukemia", "Multiple Myeloma"],
            keywords=["CAR-T", "long-term follow-up"],
            study_type="OBSERVATIONAL",
            interventions=[("GENETIC", "Gene-modified T-cells (earlier treatment)", ["Cohort"])],
            enrollment=(2000, "ESTIMATED"),
            start=date("2020-01-06"),
            primary_completion=date("2037-12", "ESTIMATED"),
            completion=date("2038-12", "ESTIMATED"),
            eligibility=adults("1 Year"),
            sites=[
                site("Harbourside Cancer Institute", "boston", "RECRUITING"),
                site("Thameside Haematology Centre", "london", "RECRUITING"),
                site("Seine Myeloma Institute", "paris", "RECRUITING"),
            ],
        ),
        study(
            17,
            "A walking programme to ease tiredness during immunotherapy",
            official=(
                "A Randomised Study of a Supervised Walking Programme for Fatigue in People "
                "Receiving Checkpoint Inhibitors (example record)"
            ),
            status="COMPLETED",
            summary=(
                "An invented study of whether a supervised walking programme reduces "
                "tiredness in people having checkpoint-inhibitor treatment."
            ),
            sponsor="Amstel Supportive Care Foundation",
            conditions=["Fatigue", "Melanoma", "Lung Cancer"],
            keywords=["exercise", "immunotherapy"],
            phases=["NA"],
            interventions=[
                ("BEHAVIORAL", "Supervised walking programme", ["Walking"]),
                ("BEHAVIORAL", "Usual activity advice", ["Usual care"]),
            ],
            enrollment=(210, "ACTUAL"),
            start=date("2022-09-01"),
            primary_completion=date("2024-09-30"),
            completion=date("2025-03-31"),
            verified="2025-05",
            last_update="2025-05-09",
            results_posted="2025-05-09",
            eligibility=adults(healthy=False),
            sites=[
                site("Amstel Cancer Centre", "amsterdam", "COMPLETED"),
                site("Meseta Cancer Hospital", "madrid", "COMPLETED"),
            ],
        ),
        study(
            18,
            "A weekly GLP-1 medicine for weight loss in adults without diabetes",
            official=(
                "A Randomised, Placebo-controlled Phase 3 Study of Weekly GLX-7 Injections in "
                "Adults With Obesity (example record)"
            ),
            status="ACTIVE_NOT_RECRUITING",
            summary=(
                "An invented study comparing a weekly injection that acts like the gut hormone "
                "GLP-1 with placebo, alongside diet and activity advice, over 72 weeks."
            ),
            sponsor="Glenmoor Metabolic",
            conditions=["Obesity", "Overweight"],
            keywords=["GLP-1", "weight loss"],
            phases=["PHASE3"],
            interventions=[
                ("DRUG", "GLX-7", ["GLX-7 weekly"]),
                ("DRUG", "Placebo", ["Placebo"]),
                ("BEHAVIORAL", "Diet and activity advice", ["GLX-7 weekly", "Placebo"]),
            ],
            enrollment=(1450, "ACTUAL"),
            start=date("2024-01-15"),
            primary_completion=date("2026-03-31"),
            completion=date("2027-01", "ESTIMATED"),
            eligibility=adults(
                "18 Years",
                text=criteria(
                    ["Body-mass index of 30 or more, or 27 or more with a weight-related illness"],
                    ["Diabetes", "A personal or family history of medullary thyroid cancer"],
                ),
            ),
            sites=[
                site("Lakeshore Metabolic Research Unit", "chicago", "ACTIVE_NOT_RECRUITING"),
                site("Lakeview Obesity Clinic", "toronto", "ACTIVE_NOT_RECRUITING"),
                site("Spree Metabolic Centre", "berlin", "ACTIVE_NOT_RECRUITING"),
                site("Harbour City Endocrine Clinic", "sydney", "ACTIVE_NOT_RECRUITING"),
            ],
        ),
    ]


def dumps(studies: list[dict]) -> str:
    return json.dumps({"studies": studies}, indent=1, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    JSON_PATH.write_text(dumps(build()))
    sys.stdout.write(f"{len(build())} example records written to {JSON_PATH}\n")

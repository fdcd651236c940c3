"""Demo people: the four people of the reference article (names, roles, credentials),
and a second research analyst (invented for the demo) who reviews the primary research of
explainers Ioannis wrote: nobody reviews their own page.

Bios are our own short summaries. Idempotent: an existing person (matched by name) is
left as it is.
"""

from .models import Person, Role

DEMO_PEOPLE = [
    {
        "name": "Efi Kara",
        "role": Role.FOUNDER,
        "job_title": "Founder & Platform Director",
        "credentials": "Electrical & Computer Engineer · 30 years IT management",
        "bio": "Runs the platform: how it is built, what it publishes and where it goes next.",
    },
    {
        "name": "Ioannis Anagnostopoulos",
        "role": Role.RESEARCH,
        "job_title": "Clinical Research Analyst & ISO Inspector",
        "credentials": "B.Sc. Agricultural Sciences · ISO inspector and compliance auditor",
        "bio": "Researches and writes the explainers from primary sources: the ClinicalTrials.gov "
        "registry, FDA and EU regulatory documents, and papers indexed in PubMed.",
    },
    {
        "name": "Dimitra Alexiou",
        "role": Role.RESEARCH,
        "job_title": "Research Analyst (demo)",
        "credentials": "M.Sc. Epidemiology",
        "bio": "Checks the primary research of explainers she did not write: every source, "
        "every registry entry and every figure against where it came from.",
    },
    {
        "name": "Georgios Anagas",
        "role": Role.MEDICAL_REVIEW,
        "job_title": "Medical Content Reviewer",
        "credentials": "Physiotherapy student",
        "bio": "Checks each explainer for medical accuracy and for what matters to patients and "
        "carers: how conditions are described, who trials are open to, and treatment context.",
    },
    {
        "name": "Achi Anagas",
        "role": Role.TECHNICAL_REVIEW,
        "job_title": "Platform & Data Infrastructure Lead",
        "credentials": "B.Sc. Informatics & Communications (in progress)",
        "bio": "Looks after the technical architecture, the ClinicalTrials.gov integration and "
        "the checks that keep our copy of the registry accurate.",
    },
]


def load(log) -> None:
    created = 0
    for data in DEMO_PEOPLE:
        if Person.objects.filter(name=data["name"]).exists():
            continue
        person = Person(**data, live=False)
        person.save()
        person.save_revision().publish()
        created += 1
    log(f"People: {created} created, {len(DEMO_PEOPLE) - created} already there.")

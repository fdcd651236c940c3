"""The demo explainers' content: CAR-T (the reference article's structure, in our own
words), checkpoint inhibitors and GLP-1 receptor agonists, as raw StreamField data."""


def _p(*paragraphs: str) -> str:
    return "".join(f"<p>{text}</p>" for text in paragraphs)


def _risk(name, severity, frequency, shows, management) -> dict:
    return {
        "name": name,
        "severity": severity,
        "frequency": frequency,
        "how_it_shows": _p(shows),
        "management": _p(management),
    }


def _step(label, title, text) -> dict:
    return {"short_label": label, "title": title, "text": _p(text)}


DISCLAIMER = {"type": "disclaimer", "value": {"kind": "medical", "extra": ""}}

CAR_T = {
    "slug": "car-t-cell-therapy",
    "title": "CAR-T Cell Therapy Explained: Teaching Your Own Immune Cells to Find Cancer",
    "subtitle": (
        "A treatment grown from a patient's own white blood cells: how it is built, which "
        "cancers it is used for, and why its side effects differ from those of other cancer drugs."
    ),
    "therapy_name": "CAR-T cell therapy",
    "topics": ["Oncology", "Immunotherapy"],
    "authors": ["Ioannis Anagnostopoulos"],
    "body": [
        {
            "type": "paragraph",
            "value": _p(
                "Almost every cancer medicine is a product: the same tablet or infusion, made in "
                "bulk and given to thousands of people. CAR-T cell therapy breaks that pattern. "
                "Each dose starts as a sample of one patient's immune cells and ends as a "
                "treatment only that patient can receive. Back in the bloodstream, the modified "
                "cells keep dividing and can stay active for years, which is why the therapy is "
                "often described as living. That one feature explains most of what follows: the "
                "dramatic responses some patients have, the weeks of manufacturing, and side "
                "effects unlike those of ordinary drugs."
            ),
        },
        {"type": "heading", "value": "The gap CAR-T is designed to close"},
        {
            "type": "paragraph",
            "value": _p(
                "T-cells are the white blood cells that find and destroy cells the body no "
                "longer wants, including many that are starting to turn cancerous. Cancer gets "
                "past them partly because it grows from the body's own tissue: to a T-cell it "
                "can look almost normal, and some tumours go further and send signals that "
                "switch the attack off. CAR-T gives T-cells a new sensor, designed in a "
                "laboratory, that locks onto one particular molecule on the cancer cell instead "
                "of waiting for the immune system to notice the threat by itself."
            ),
        },
        {"type": "heading", "value": "Decoding the name"},
        {
            "type": "paragraph",
            "value": _p(
                "CAR stands for <i>chimeric antigen receptor</i>. Each word has a plain meaning."
            ),
        },
        {
            "type": "definition",
            "value": {
                "term": "Antigen",
                "definition": _p(
                    "A molecule on the surface of a cell that the immune system can recognise, "
                    "rather like an identity badge."
                ),
            },
        },
        {
            "type": "definition",
            "value": {
                "term": "Receptor",
                "definition": _p("The part of a T-cell that reads those badges."),
            },
        },
        {
            "type": "definition",
            "value": {
                "term": "Chimeric",
                "definition": _p(
                    "Assembled from parts of different origin: a CAR joins a badge-reading piece "
                    "borrowed from an antibody to the switching machinery of a T-cell."
                ),
            },
        },
        {
            "type": "paragraph",
            "value": _p(
                "In the blood cancers where CAR-T is approved, the target is most often CD19, a "
                "protein carried by B-cells, the cells from which many leukaemias and lymphomas "
                "arise. A T-cell fitted with an anti-CD19 receptor treats every cell carrying "
                "CD19 as an enemy."
            ),
        },
        {
            "type": "steps",
            "value": {
                "heading": "How a dose is made, step by step",
                "steps": [
                    _step(
                        "Collection",
                        "Collecting the T-cells",
                        "The patient is connected to an apheresis machine, which filters white "
                        "blood cells out of the blood and returns the rest. It takes a few hours "
                        "and feels much like giving blood.",
                    ),
                    _step(
                        "Engineering",
                        "Adding the new receptor",
                        "At a specialist manufacturing site, a virus that has been altered so it "
                        "cannot cause disease carries the receptor's gene into the cells, which "
                        "then start displaying the receptor on their surface.",
                    ),
                    _step(
                        "Multiplication",
                        "Growing the cells",
                        "The modified cells are cultured until they number in the hundreds of "
                        "millions, tested for quality, and frozen for the trip back to hospital.",
                    ),
                    _step(
                        "Conditioning",
                        "Making room",
                        "A few days before the infusion, a short course of mild chemotherapy "
                        "thins out the patient's existing immune cells. It is not meant to treat "
                        "the cancer; it gives the new cells space to settle and expand.",
                    ),
                    _step(
                        "Infusion",
                        "Returning the cells",
                        "The CAR-T cells go back in through a drip, usually in under an hour. In "
                        "the body they seek out cells carrying their target, destroy them, and "
                        "multiply every time they do.",
                    ),
                ],
            },
        },
        {
            "type": "paragraph",
            "value": _p(
                "From collection to infusion usually takes several weeks. Patients whose disease "
                "is moving fast may need other treatment while they wait, and researchers are "
                "developing ready-made versions built from donor cells to remove the wait."
            ),
        },
        {
            "type": "callout",
            "value": {
                "kind": "key_fact",
                "title": "One patient, one batch",
                "text": _p(
                    "Each CAR-T product is made for one named patient and cannot be given to "
                    "anyone else."
                ),
            },
        },
        {
            "type": "risks",
            "value": {
                "heading": "Side effects that come from a living treatment",
                "intro": _p(
                    "Most side effects of CAR-T come from the immune system being switched on "
                    "hard, all at once. Two are watched for closely in the first weeks."
                ),
                "risks": [
                    _risk(
                        "Cytokine release syndrome (CRS)",
                        "life_threatening",
                        "Common; most cases are mild to moderate",
                        "As the cells attack they release large amounts of signalling proteins "
                        "called cytokines. Fever, chills, tiredness and low blood pressure are "
                        "typical; severe cases can affect breathing and other organs.",
                        "Patients stay in or near the treating hospital so CRS is caught early. "
                        "Teams grade it and treat it promptly, commonly with tocilizumab, which "
                        "blocks the cytokine interleukin-6, and with steroids when needed.",
                    ),
                    _risk(
                        "Neurological effects (ICANS)",
                        "serious",
                        "Less common than CRS; usually temporary",
                        "Some patients become confused, struggle to find words or to write, feel "
                        "very drowsy or, rarely, have seizures.",
                        "Nurses check handwriting and simple questions several times a day to "
                        "spot early signs. Most episodes settle with steroids and supportive "
                        "care, which is why CAR-T is given only at accredited centres.",
                    ),
                ],
            },
        },
        {"type": "heading", "value": "What it treats, and where it still falls short"},
        {
            "type": "paragraph",
            "value": _p(
                "CAR-T products are approved for several blood cancers: some B-cell leukaemias "
                "and lymphomas, and multiple myeloma, mostly after other treatments have stopped "
                "working. In these settings some patients have had lasting remissions when few "
                "options were left.",
                "Solid tumours such as lung, breast or pancreatic cancer have proved far harder. "
                "They are dense and difficult for cells to get into, they surround themselves "
                "with conditions that wear T-cells out, and they rarely carry a single target "
                "missing from healthy tissue. Much current research is aimed at those obstacles, "
                "and at making the therapy safer and quicker to produce.",
            ),
        },
        {
            "type": "paragraph",
            "value": _p(
                "Three studies in our registry copy show where the field stands: an open study "
                "of CD19-directed cells in lymphoma that came back after earlier treatment "
                "(NCT99000001), a study of BCMA-directed cells in multiple myeloma (NCT99000002), "
                "and an early study in glioblastoma that stopped with too few responses "
                "(NCT99000004), a reminder of how hard solid tumours remain. On this demo site "
                "they are example records, not real studies."
            ),
        },
        {
            "type": "trial_list",
            "value": {
                "heading": "CAR-T studies in our registry copy",
                "nct_ids": ["NCT99000001", "NCT99000002", "NCT99000004"],
            },
        },
        DISCLAIMER,
    ],
    "summary": _p(
        "CAR-T therapy takes a patient's own T-cells, fits them with a laboratory-designed "
        "receptor that recognises a marker on cancer cells, grows them in large numbers and "
        "returns them to hunt the disease. Because the cells stay alive and keep multiplying, "
        "the treatment can keep working for a long time, but it also brings distinctive side "
        "effects and takes weeks to make. It has changed the outlook for some blood cancers; "
        "for solid tumours it remains an active field of research."
    ),
}

CHECKPOINT = {
    "slug": "checkpoint-inhibitors",
    "title": "Checkpoint Inhibitors Explained: Taking the Brakes off the Immune System",
    "subtitle": (
        "Why some tumours hide from immune attack, how antibody drugs remove that cover, and "
        "what the immune-related side effects look like."
    ),
    "therapy_name": "Immune checkpoint inhibitor therapy",
    "topics": ["Oncology", "Immunotherapy"],
    "authors": ["Ioannis Anagnostopoulos"],
    "body": [
        {
            "type": "paragraph",
            "value": _p(
                "The immune system has built-in brakes, called checkpoints, that stop T-cells "
                "from attacking healthy tissue. Many cancers exploit them: they display molecules "
                "that press the brakes and so escape attack. Checkpoint inhibitors are antibody "
                "drugs that block those molecules and let the T-cells do their job."
            ),
        },
        {"type": "heading", "value": "The brakes being released"},
        {
            "type": "paragraph",
            "value": _p(
                "The best-known checkpoints are PD-1, found on T-cells, its partner PD-L1, found "
                "on many tumour cells, and CTLA-4, which damps down T-cells early in an immune "
                "response. Drugs blocking PD-1 or PD-L1 are now used in melanoma, lung, kidney, "
                "bladder and other cancers, sometimes together with a CTLA-4 blocker."
            ),
        },
        {
            "type": "steps",
            "value": {
                "heading": "What treatment involves",
                "steps": [
                    _step(
                        "Testing",
                        "Checking the tumour",
                        "For some cancers a biopsy is tested for PD-L1 or other markers that "
                        "suggest the drug is more likely to help.",
                    ),
                    _step(
                        "Infusion",
                        "Regular infusions",
                        "The antibody is given through a drip every two to six weeks, usually "
                        "in an outpatient clinic.",
                    ),
                    _step(
                        "Monitoring",
                        "Scans and blood tests",
                        "Scans track the tumour and blood tests look for early signs of side "
                        "effects, which can appear months into treatment.",
                    ),
                ],
            },
        },
        {
            "type": "risks",
            "value": {
                "heading": "Immune-related side effects",
                "intro": "",
                "risks": [
                    _risk(
                        "Inflammation of healthy organs",
                        "serious",
                        "Common; most cases are mild",
                        "With the brakes off, T-cells can attack healthy tissue: the bowel "
                        "(diarrhoea), skin (rash), liver, lungs (cough, breathlessness) or "
                        "hormone glands (tiredness).",
                        "Reported early, most reactions are treated with steroids and a pause in "
                        "treatment; some hormone problems need lifelong replacement.",
                    ),
                    _risk(
                        "Infusion reactions",
                        "mild",
                        "Uncommon",
                        "Fever, chills or a rash during or shortly after the drip.",
                        "The infusion is slowed or paused and the reaction treated; medicines "
                        "given beforehand can prevent it next time.",
                    ),
                ],
            },
        },
        {
            "type": "trial_list",
            "value": {
                "heading": "Checkpoint-inhibitor studies in our registry copy",
                "nct_ids": ["NCT99000015", "NCT99000017"],
            },
        },
        DISCLAIMER,
    ],
    "summary": _p(
        "Checkpoint inhibitors block the signals tumours use to switch off T-cells. They can "
        "give long-lasting control of some cancers, and their side effects come from an immune "
        "system that is less restrained, so new symptoms should always be reported early."
    ),
}

GLP1 = {
    "slug": "glp-1-receptor-agonists",
    "title": "GLP-1 Receptor Agonists Explained: How Semaglutide and Similar Drugs Work",
    "subtitle": (
        "Medicines that copy a gut hormone: what they do to blood sugar and appetite, and the "
        "side effects to expect."
    ),
    "therapy_name": "GLP-1 receptor agonist therapy",
    "topics": ["Diabetes", "Obesity"],
    "authors": ["Ioannis Anagnostopoulos"],
    "body": [
        {
            "type": "paragraph",
            "value": _p(
                "After a meal the gut releases a hormone called GLP-1. It tells the pancreas to "
                "release insulin when blood sugar is high, slows the emptying of the stomach and "
                "signals fullness to the brain. GLP-1 receptor agonists, such as semaglutide, "
                "mimic that hormone but last far longer in the body."
            ),
        },
        {
            "type": "steps",
            "value": {
                "heading": "How treatment usually starts",
                "steps": [
                    _step(
                        "Low dose",
                        "Starting low",
                        "Treatment begins at a small weekly or daily dose to let the stomach "
                        "adjust.",
                    ),
                    _step(
                        "Step up",
                        "Increasing gradually",
                        "The dose is raised every few weeks until it reaches the maintenance "
                        "level, or the highest dose the patient tolerates.",
                    ),
                ],
            },
        },
        {
            "type": "risks",
            "value": {
                "heading": "Side effects",
                "intro": "",
                "risks": [
                    _risk(
                        "Nausea and other stomach upset",
                        "mild",
                        "Very common, especially when the dose goes up",
                        "Nausea, vomiting, diarrhoea or constipation, usually easing over weeks.",
                        "Smaller meals, slower dose increases and, if needed, staying on a lower "
                        "dose for longer.",
                    ),
                    _risk(
                        "Pancreatitis",
                        "serious",
                        "Rare",
                        "Severe, persistent pain in the upper abdomen, sometimes reaching the "
                        "back, with or without vomiting.",
                        "Stop the medicine and seek urgent medical care; it is not restarted if "
                        "pancreatitis is confirmed.",
                    ),
                ],
            },
        },
        {
            "type": "trial_list",
            "value": {
                "heading": "GLP-1 studies in our registry copy",
                "nct_ids": ["NCT99000018"],
            },
        },
        DISCLAIMER,
    ],
    "summary": _p(
        "GLP-1 receptor agonists imitate a natural gut hormone to lower blood sugar and reduce "
        "appetite. Stomach side effects are common at first; rare serious ones need urgent care."
    ),
}

# Tree order is prev/next order: GLP-1, then CAR-T, then checkpoint inhibitors.
DEMO_EXPLAINERS = [GLP1, CAR_T, CHECKPOINT]

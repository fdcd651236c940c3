"""Starting text of the trust pages (our own words), created by migration home 0009.

Plain data, no models: the migration reads it. Editors change the pages in the admin
afterwards; this text is only what a new site starts with.
"""

FRESHNESS = ("registry_freshness", None)

TRUST_PAGES = [
    {
        "slug": "about",
        "title": "About ClinicalMetric",
        "intro": (
            "ClinicalMetric is an independent publisher. We explain treatments in plain words "
            "and keep a catalogue of the clinical trials that test them."
        ),
        "sections": [
            (
                "What we publish",
                "<p>Treatment explainers: how a therapy works, whom it is for, what it can "
                "cost a patient in side effects, and which trials are studying it now. Beside "
                "them, a catalogue of studies copied from the ClinicalTrials.gov registry, "
                "refreshed on a schedule.</p>",
            ),
            (
                "Who we are",
                "<p>A small team of researchers, medical reviewers and engineers. Every "
                "explainer names its author and its reviewers, with their qualifications, "
                "beside the text they answer for.</p>",
            ),
            (
                "Independence",
                "<p>We are not affiliated with the NIH, ClinicalTrials.gov, the FDA, the EMA, "
                "or any drug maker, hospital or contract research organisation. No sponsor "
                "pays for, reviews or approves what we write, and we carry no advertising for "
                "treatments.</p>",
            ),
            (
                "How we are funded",
                "<p>The publisher funds the site itself. If that ever changes, this section "
                "will say who pays and for what, before any funded page is published.</p>",
            ),
        ],
    },
    {
        "slug": "methodology",
        "title": "Our methodology",
        "intro": (
            "Explainers are published through three stages, taken in order by three different "
            "people, none of them an author of the page. Each explainer says whether its "
            "published version passed them, and when."
        ),
        "sections": [
            (
                "Stage 1: primary research",
                "<p>The author writes from primary sources: registry records on "
                "ClinicalTrials.gov, regulators' documents (FDA, EMA), the EU trials register "
                "and peer-reviewed papers. Secondary summaries are not a source.</p>",
            ),
            (
                "Stage 2: medical accuracy review",
                "<p>A medical reviewer checks each claim against the literature, with "
                "particular care for who a treatment is for, its risks and how they are "
                "managed. The reviewer's name and the date of the review appear on the "
                "page.</p>",
            ),
            (
                "Stage 3: registry verification",
                "<p>Every trial an explainer cites is compared with its registry record: "
                "phase, recruitment status, sponsor and locations. A page whose trials "
                "disagree with the registry does not go live.</p>",
            ),
            (
                "Data sources",
                "<ul><li>ClinicalTrials.gov (US National Library of Medicine), through its "
                "public API</li><li>FDA and EMA documents for approvals and safety "
                "communications</li><li>The EU Clinical Trials Register</li><li>PubMed / "
                "MEDLINE for the published literature</li></ul>",
            ),
            FRESHNESS,
            (
                "Keeping pages current",
                "<p>A reviewed explainer is due for review again 90 days after its last "
                "review, or sooner when a cited trial changes status. A page that changed "
                "after its review says so until it is reviewed again, and each explainer "
                "lists what changed in each reviewed version.</p>",
            ),
        ],
    },
    {
        "slug": "disclaimer",
        "title": "Medical disclaimer",
        "intro": "What our pages are, and what they are not.",
        "sections": [
            (
                "Information, not advice",
                "<p>Our explainers describe treatments in general terms. They do not say "
                "whether a treatment or a trial is right for you, and they do not replace a "
                "conversation with a doctor who knows your history.</p>",
            ),
            (
                "Trial information",
                "<p>Trial details come from the ClinicalTrials.gov registry and can change "
                "between our refreshes. Before you act on them, check the study's registry "
                "record and talk to the study team and your own doctor.</p>",
            ),
            (
                "In an emergency",
                "<p>If you feel unwell after a treatment, contact your care team or your "
                "local emergency number at once. Do not wait for an answer from us.</p>",
            ),
        ],
    },
    {
        "slug": "contact",
        "title": "Contact us",
        "intro": "How to reach the editors.",
        "sections": [
            (
                "Editorial questions",
                '<p>Write to the editors at <a href="mailto:editors@clinicalmetric.example">'
                "editors@clinicalmetric.example</a>. We answer within five working days.</p>",
            ),
            (
                "Reporting an error",
                '<p>Please use the <a href="/corrections/">corrections form</a>: it reaches '
                "the editor on duty and keeps a record of what was reported and when.</p>",
            ),
            (
                "What we cannot do",
                "<p>We cannot give medical advice or tell you whether you qualify for a "
                "trial. The study team named on the registry record can answer that.</p>",
            ),
        ],
    },
    {
        "slug": "privacy",
        "title": "Privacy",
        "intro": "What we collect when you read or write to us, and why.",
        "sections": [
            (
                "Reading the site",
                "<p>Reading our pages sets no tracking cookies and loads no third-party "
                "scripts. Our servers keep standard access logs (address, page, time) for 30 "
                "days to keep the site running and secure.</p>",
            ),
            (
                "When you write to us",
                "<p>A correction report or e-mail is kept for as long as we need it to answer "
                "and to keep a record of corrections, then deleted. We never sell or share "
                "it.</p>",
            ),
            (
                "Your rights",
                '<p>Ask us at <a href="mailto:privacy@clinicalmetric.example">'
                "privacy@clinicalmetric.example</a> to see, correct or delete what we hold "
                "about you.</p>",
            ),
        ],
    },
]

CORRECTIONS_PAGE = {
    "slug": "corrections",
    "title": "Corrections",
    "intro": (
        "We correct errors quickly and in the open. Tell us what is wrong and we will check "
        "it against the sources."
    ),
    "sections": [
        (
            "Our corrections policy",
            "<p>A reported error is checked by an editor who did not write the page. A "
            "confirmed error is corrected, the page goes through review again, and its change "
            "log says what was corrected and when. We do not silently change medical "
            "claims.</p>",
        ),
        (
            "What happens next",
            "<p>We aim to answer within five working days. If you leave an e-mail address we "
            "tell you what we found; you can also report anonymously.</p>",
        ),
    ],
    "thank_you_text": (
        "<p>Thank you. An editor will check your report against the sources; confirmed "
        "corrections appear in the page's change log.</p>"
    ),
    # (label, field_type, required, help_text)
    "fields": [
        ("Page address", "url", True, "The address of the page with the error."),
        ("What is wrong", "multiline", True, "Quote the text, and say what it should say."),
        ("Source", "singleline", False, "A study, registry record or paper that shows it."),
        ("Your email", "email", False, "Only if you want an answer."),
    ],
}

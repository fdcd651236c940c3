"""schema.org JSON-LD for explainers: a plain dict, reused by templates and the API."""

from django.conf import settings
from django.utils.html import strip_tags

from insights.blocks import rich_text_html


def person_json_ld(person) -> dict:
    data = {"@type": "Person", "name": person.name}
    if person.job_title:
        data["jobTitle"] = person.job_title
    if person.credentials:
        data["hasCredential"] = {
            "@type": "EducationalOccupationalCredential",
            "name": person.credentials,
        }
    return data


def reviewer_json_ld(reviewer) -> dict:
    """A reviewer as their sign-off froze them (name and credentials at approval)."""
    data = {"@type": "Person", "name": reviewer.name}
    if reviewer.credentials:
        data["hasCredential"] = {
            "@type": "EducationalOccupationalCredential",
            "name": reviewer.credentials,
        }
    return data


def explainer_json_ld(page, authors, record, topics) -> dict:
    """``MedicalWebPage`` with author, reviewedBy, lastReviewed and the therapy it is about.

    Review data comes only from RECORD (insights.review_record.ReviewRecord), and only
    when its review covers the published version: a page published without review, or
    changed since, claims no ``reviewedBy`` and no ``lastReviewed``.
    """
    reviewers = record.claimed_reviewers
    site_name = getattr(settings, "WAGTAIL_SITE_NAME", "ClinicalMetric")
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": page.seo_title or page.title,
        "headline": page.title,
        "url": page.full_url,
        "inLanguage": "en",
        "author": [person_json_ld(p) for p in authors],
        "reviewedBy": [reviewer_json_ld(r) for r in reviewers],
        "publisher": {"@type": "Organization", "name": site_name},
        "about": {
            "@type": "MedicalTherapy",
            "name": page.therapy_name or page.title,
            "adverseOutcome": [
                {
                    "@type": "MedicalEntity",
                    "name": risk["name"],
                    **(
                        {"description": strip_tags(rich_text_html(risk["how_it_shows"])).strip()}
                        if risk["how_it_shows"] and risk["how_it_shows"].source.strip()
                        else {}
                    ),
                }
                for risk in page.risks()
            ],
        },
    }
    description = page.search_description or page.subtitle
    if description:
        data["description"] = description
    if record.covers_live_version and record.last_reviewed:
        data["lastReviewed"] = record.last_reviewed.isoformat()
    if page.first_published_at:
        data["datePublished"] = page.first_published_at.isoformat()
    if page.last_published_at:
        data["dateModified"] = page.last_published_at.isoformat()
    if topics:
        data["keywords"] = ", ".join(tag.name for tag in topics)
    return data

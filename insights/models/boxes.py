"""The people boxes under an explainer: who wrote and checked it, and who answers for it."""

from people.models import Person, Role


def people_boxes(authors, record) -> list[tuple[str, Person]]:
    """(box heading, person) for the authors, the reviewers, then the editorial leads.

    The founder and the technical lead appear on every explainer (as on the reference
    page): they answer for the platform and its registry data. Only published people
    have a box; reviewers only when their review covers the published version.
    """
    boxes, seen = [], set()

    def add(heading, person):
        if person is not None and person.live and person.pk not in seen:
            seen.add(person.pk)
            boxes.append((heading, person))

    leads = Person.objects.filter(
        live=True, role__in=[Role.FOUNDER, Role.TECHNICAL_REVIEW]
    ).select_related("photo")
    leads = sorted(leads, key=lambda p: (p.role != Role.FOUNDER, p.name))
    for person in leads:
        if person.role == Role.FOUNDER:
            add(person.role_label, person)
    for person in authors:
        add(person.role_label, person)
    for reviewer in record.claimed_reviewers:
        if reviewer.profile is not None:
            if reviewer.profile.credentials != reviewer.credentials:
                # The box is today's profile; the review was signed with other credentials.
                reviewer.profile.reviewed_as = reviewer.credentials or "none stated"
            add(reviewer.profile.role_label, reviewer.profile)
    for person in leads:
        add(person.role_label, person)
    return boxes

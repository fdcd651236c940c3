"""Demo content of the editorial review (runs after the people and explainer loaders).

- The five demo people each get an admin login in their review group (printed).
- The CAR-T explainer goes through the whole review with those logins, so its review
  record is real: submitted by the editor, approved by a research analyst who did not
  write it (Dimitra; Ioannis is its author), the medical reviewer and the registry
  verifier: three people, none of them an author. Stage 3 checks the cited trials
  against the synced registry data; without fresh trial data it waits at stage 3, and
  the log says why. The other published demo explainers were never reviewed and say so
  ("Not yet reviewed under our three-stage process").
- Three short draft explainers wait at stage 1, 2 and 3.

Idempotent: existing users, reviews and drafts are left as they are.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.models import WorkflowState

from accounts.demo import demo_password
from insights.models import ExplainerPage, ExplainerPageAuthor, InsightsIndexPage
from insights.review.records import CompletedReview
from insights.review.stages import EDITORS_GROUP, STAGES
from insights.review.tasks import ReviewRefused
from people.models import Person

ACCOUNTS = [
    # username, person's name, group
    ("efi", "Efi Kara", EDITORS_GROUP),
    ("ioannis", "Ioannis Anagnostopoulos", STAGES[0].group_name),
    ("dimitra", "Dimitra Alexiou", STAGES[0].group_name),
    ("georgios", "Georgios Anagas", STAGES[1].group_name),
    ("achi", "Achi Anagas", STAGES[2].group_name),
]
# Who approves each stage of the demo reviews: never an author of the demo explainers.
APPROVERS = {1: "dimitra", 2: "georgios", 3: "achi"}

DISCLAIMER = {"type": "disclaimer", "value": {"kind": "medical", "extra": ""}}

DRAFTS = [
    # slug, title, subtitle, paragraph, stage it waits at
    (
        "mrna-cancer-vaccines",
        "mRNA cancer vaccines",
        "Teaching the immune system to recognise one person's tumour",
        "A personalised mRNA vaccine carries instructions for a handful of proteins found "
        "only on a patient's own tumour cells, so that immune cells learn to look for them. "
        "Most studies so far give it alongside a checkpoint inhibitor after surgery.",
        1,
    ),
    (
        "bispecific-antibodies",
        "Bispecific antibodies",
        "One molecule that holds a cancer cell and an immune cell together",
        "A bispecific antibody has two different arms: one grips a marker on the cancer cell, "
        "the other grips a T cell, bringing the two close enough for the T cell to attack. "
        "Like CAR-T, it can cause cytokine release syndrome, usually milder.",
        2,
    ),
    (
        "gene-therapy-sickle-cell",
        "Gene therapy for sickle cell disease",
        "Editing a patient's own blood stem cells",
        "Blood stem cells are collected, edited in a laboratory so that they make a working "
        "form of haemoglobin, and returned after chemotherapy has cleared space in the bone "
        "marrow. It is a one-time treatment with a long hospital stay.",
        3,
    ),
]


def _accounts(log) -> dict:
    User = get_user_model()
    users = {}
    for username, name, group_name in ACCOUNTS:
        person = Person.objects.filter(name=name).order_by("pk").first()
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "email": f"{username}@clinicalmetric.localhost",
                "first_name": person.name.split()[0] if person else username.capitalize(),
                "last_name": " ".join(person.name.split()[1:]) if person else "",
            },
        )
        if created:
            user.set_password(demo_password())
            user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=group_name))
        if person is not None and person.user_id is None:
            person.user = user
            person.save(update_fields=["user"])
        users[username] = user
        log(
            f"Review login: user {username!r} password {demo_password()!r} "
            f"({group_name}{', ' + person.name if person else ''})"
        )
    return users


def _advance(page, users, up_to_stage: int, log) -> None:
    """Submit PAGE as the editor (unless in review) and approve stages before UP_TO_STAGE.

    UP_TO_STAGE 4 approves all three, which publishes. Re-running continues where the
    review stopped (e.g. at stage 3 once fresh trial data exists).
    """
    page = ExplainerPage.objects.get(pk=page.pk)
    if not WorkflowState.objects.for_instance(page).filter(status="in_progress").exists():
        page.get_workflow().start(page, users["efi"])
    approvers = {number: users[username] for number, username in APPROVERS.items()}
    while True:
        page = ExplainerPage.objects.get(pk=page.pk)
        state = page.current_workflow_task_state
        if state is None:
            return
        stage = state.task.specific.stage
        if stage.number >= up_to_stage:
            return
        try:
            state.task.specific.on_action(
                state, approvers[stage.number], "approve", comment=f"{stage.task_name}: ok."
            )
        except ReviewRefused as refusal:
            log(f"“{page.title}” waits at {stage.task_name}: {refusal}")
            return


def load(log) -> None:
    index = InsightsIndexPage.objects.order_by("path").first()
    if index is None:
        log("Review demo: no insights index page (run migrate first); nothing loaded.")
        return
    users = _accounts(log)

    car_t = ExplainerPage.objects.filter(slug="car-t-cell-therapy").first()
    if car_t is not None and not CompletedReview.objects.filter(page=car_t).exists():
        _advance(car_t, users, 4, log)
    if car_t is not None and CompletedReview.objects.filter(page=car_t).exists():
        log(f"Review demo: “{car_t.title}” is published with a complete review record.")

    authors = Person.objects.filter(name="Ioannis Anagnostopoulos")[:1]
    for slug, title, subtitle, text, stage in DRAFTS:
        if ExplainerPage.objects.filter(slug=slug).exists():
            continue
        page = ExplainerPage(
            title=title,
            slug=slug,
            subtitle=subtitle,
            body=[
                {"type": "paragraph", "value": f"<p>{text}</p>"},
                DISCLAIMER,
            ],
            live=False,
            owner=users["efi"],
        )
        for person in authors:
            page.authors.add(ExplainerPageAuthor(person=person))
        index.add_child(instance=page)
        page.save_revision(user=users["efi"], log_action=True)
        _advance(page, users, stage, log)
        log(f"Review demo: “{title}” waits at {STAGES[stage - 1].task_name}.")

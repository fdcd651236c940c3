"""Admin: the Person snippet viewset, and a clear refusal to delete a cited person."""

from django.contrib import messages
from django.db import router
from django.db.models.deletion import Collector, ProtectedError
from django.shortcuts import redirect
from wagtail import hooks
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Person


class PersonViewSet(SnippetViewSet):
    """People in the admin: searchable by name, credentials and bio; filterable by role."""

    model = Person
    icon = "user"
    menu_label = "People"
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["name", "role", "credentials", "live"]
    list_filter = ["role", "live"]
    search_fields = None  # use the model's Wagtail search_fields
    ordering = ["name"]


register_snippet(PersonViewSet)


def protected_citations(people) -> list[str]:
    """Describe what stops PEOPLE from being deleted (PROTECT foreign keys), or []."""
    people = list(people)
    if not people:
        return []
    collector = Collector(using=router.db_for_write(Person))
    try:
        collector.collect(people)
    except ProtectedError as exc:
        return sorted({str(obj) for obj in exc.protected_objects})
    return []


@hooks.register("before_delete_snippet")
def refuse_deleting_cited_people(request, instances):
    """Refuse, with a message, to delete a person that content still cites.

    Covers the single and the bulk delete views (both run this hook before acting).
    """
    people = [obj for obj in instances if isinstance(obj, Person)]
    cited = protected_citations(people)
    if not cited:
        return None
    names = ", ".join(p.name for p in people)
    shown = "; ".join(cited[:5]) + (f" and {len(cited) - 5} more" if len(cited) > 5 else "")
    messages.error(
        request,
        f"{names} cannot be deleted: still credited on published or draft content ({shown}). "
        "Remove them from that content first, or unpublish this person instead.",
    )
    if len(people) == 1:
        edit_url = AdminURLFinder(request.user).get_edit_url(people[0])
        if edit_url:
            return redirect(edit_url)
    return redirect("wagtailsnippets_people_person:list")

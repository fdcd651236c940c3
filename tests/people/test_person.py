"""people.Person: derived initials, drafts and revisions, admin search/filter, permissions,
and the refusal to delete a person content still credits."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.urls import reverse

from people.models import Person, Role, derive_initials
from tests.insights.factories import ExplainerPageFactory
from tests.people.factories import PersonFactory

pytestmark = pytest.mark.django_db

LIST_URL = "wagtailsnippets_people_person:list"
DELETE_URL = "wagtailsnippets_people_person:delete"
EDIT_URL = "wagtailsnippets_people_person:edit"


@pytest.mark.parametrize(
    ("name", "initials"),
    [
        ("Efi Kara", "EK"),
        ("Ioannis Anagnostopoulos", "IA"),
        ("Plato", "P"),
        ("  ", ""),
        ("Jean-Luc Picard", "JP"),
        ("Georgios K. Anagas", "GA"),
    ],
)
def test_initials_are_derived_from_the_name(name, initials):
    assert derive_initials(name) == initials


def test_initials_are_stored_when_blank_and_kept_when_given():
    derived = PersonFactory(name="Achi Anagas", initials="")
    assert Person.objects.get(pk=derived.pk).initials == "AA"
    given = PersonFactory(name="Achi Anagas", initials="AcA")
    assert Person.objects.get(pk=given.pk).initials == "AcA"


def test_draft_edits_do_not_change_the_published_person():
    person = PersonFactory(credentials="MD")
    person.save_revision().publish()
    person.credentials = "MD, PhD"
    person.save_revision()
    assert Person.objects.get(pk=person.pk).credentials == "MD"
    person.get_latest_revision().publish()
    assert Person.objects.get(pk=person.pk).credentials == "MD, PhD"


def test_user_link_is_optional_and_cleared_when_the_user_goes(django_user_model):
    user = django_user_model.objects.create_user("reviewer", password="pw")
    person = PersonFactory(user=user)
    assert user.person == person
    user.delete()
    person.refresh_from_db()
    assert person.user is None


# Admin ----------------------------------------------------------------------------------


@pytest.fixture
def superuser_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("boss", "b@example.org", "pw"))
    return client


def make_user(django_user_model, name, perms=()):
    user = django_user_model.objects.create_user(name, password="pw")
    admin_access = Permission.objects.get(codename="access_admin")
    group = Group.objects.create(name=f"group-{name}")
    group.permissions.add(admin_access)
    for codename in perms:
        group.permissions.add(
            Permission.objects.get(codename=codename, content_type__app_label="people")
        )
    user.groups.add(group)
    return user


@pytest.mark.parametrize(
    ("who", "perms", "list_status", "delete_allowed"),
    [
        ("anonymous", None, 302, False),  # to the login page
        ("no-people-perms", (), 302, False),  # admin access only: sent away
        ("viewer", ("view_person",), 200, False),
        ("editor", ("view_person", "change_person"), 200, False),
        ("manager", ("view_person", "change_person", "delete_person"), 200, True),
    ],
)
def test_people_admin_permission_matrix(
    client, django_user_model, who, perms, list_status, delete_allowed
):
    person = PersonFactory()
    if perms is not None:
        client.force_login(make_user(django_user_model, who, perms))
    response = client.get(reverse(LIST_URL))
    assert response.status_code == list_status
    if list_status == 302 and perms is None:
        assert "/admin/login/" in response["Location"]
    response = client.post(reverse(DELETE_URL, args=[person.pk]))
    assert Person.objects.filter(pk=person.pk).exists() is (not delete_allowed)


def test_admin_search_finds_people_by_name_and_credentials(search_index, superuser_client):
    PersonFactory(name="Georgios Anagas", credentials="Physiotherapy student")
    PersonFactory(name="Efi Kara", credentials="Electrical & Computer Engineer")
    response = superuser_client.get(reverse(LIST_URL), {"q": "Anagas"})
    assert b"Georgios Anagas" in response.content
    assert b"Efi Kara" not in response.content
    response = superuser_client.get(reverse(LIST_URL), {"q": "Physiotherapy"})
    assert b"Georgios Anagas" in response.content


def test_admin_filters_people_by_role(superuser_client):
    PersonFactory(name="Reviewer Person", role=Role.MEDICAL_REVIEW)
    PersonFactory(name="Research Person", role=Role.RESEARCH)
    response = superuser_client.get(reverse(LIST_URL), {"role": Role.MEDICAL_REVIEW})
    assert response.status_code == 200
    assert b"Reviewer Person" in response.content
    assert b"Research Person" not in response.content


def test_deleting_a_cited_person_is_refused_with_a_message(superuser_client):
    author = PersonFactory(name="Cited Author")
    ExplainerPageFactory(title="Cited page", authors=[author])
    response = superuser_client.post(reverse(DELETE_URL, args=[author.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse(EDIT_URL, args=[author.pk])
    assert Person.objects.filter(pk=author.pk).exists()
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("Cited Author cannot be deleted" in m and "Cited page" in m for m in messages)


def test_deleting_a_cited_person_in_bulk_is_refused(superuser_client):
    author = PersonFactory(name="Bulk Author")
    free = PersonFactory(name="Free Person")
    ExplainerPageFactory(authors=[author])
    url = reverse("wagtail_bulk_action", args=["people", "person", "delete"])
    response = superuser_client.post(f"{url}?id={author.pk}&id={free.pk}")
    assert response.status_code == 302
    assert Person.objects.filter(pk=author.pk).exists()
    assert Person.objects.filter(pk=free.pk).exists()  # nothing half-done


def test_deleting_an_uncited_person_works(superuser_client):
    person = PersonFactory()
    response = superuser_client.post(reverse(DELETE_URL, args=[person.pk]))
    assert response.status_code == 302
    assert not Person.objects.filter(pk=person.pk).exists()


def test_a_cited_person_cannot_be_deleted_outside_the_admin_either():
    from django.db.models import ProtectedError

    author = PersonFactory()
    ExplainerPageFactory(authors=[author])
    with pytest.raises(ProtectedError):
        author.delete()


def test_person_preview_renders_the_card(superuser_client):
    person = PersonFactory(
        name="Preview Person",
        initials="PP",
        links=[("link", {"label": "ORCID", "url": "https://orcid.org/0000-0002-1825-0097"})],
    )
    response = superuser_client.get(reverse(EDIT_URL, args=[person.pk]))
    assert response.status_code == 200
    html = person.serve_preview(response.wsgi_request, "").render().content.decode()
    assert "Preview Person" in html and ">PP<" in html
    assert 'href="https://orcid.org/0000-0002-1825-0097">ORCID' in html

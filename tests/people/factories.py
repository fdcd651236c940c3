"""Factories for people.Person."""

import factory
from faker import Faker

from people.models import Person, Role

_fake = Faker()


class PersonFactory(factory.django.DjangoModelFactory):
    """A published person (live), with a name, role, credentials and bio."""

    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"{_fake.first_name()} {_fake.last_name()} {n}")
    role = Role.RESEARCH
    job_title = "Clinical Research Analyst"
    credentials = factory.Sequence(lambda n: f"MD, Oncology ({n})")
    bio = factory.LazyFunction(lambda: _fake.sentence(nb_words=14))
    live = True

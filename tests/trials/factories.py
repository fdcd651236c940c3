"""Factories for the trials app's models."""

import factory
from django.utils import timezone

from trials.models import Trial, TrialQuery, TrialSite, TrialSyncRun
from trials.sites import grid_cells


class TrialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trial

    nct_id = factory.Sequence(lambda n: f"NCT{90000000 + n:08d}")
    brief_title = factory.Sequence(lambda n: f"Study of treatment {n}")
    overall_status = "RECRUITING"
    phases = factory.LazyFunction(lambda: ["PHASE2"])
    phase_label = factory.LazyAttribute(lambda o: "|".join(o.phases))
    study_type = "INTERVENTIONAL"
    conditions = factory.LazyFunction(lambda: ["Lymphoma"])
    conditions_text = factory.LazyAttribute(lambda o: "\n".join(o.conditions).lower())
    search_text = factory.LazyAttribute(
        lambda o: "\n".join([o.nct_id, o.brief_title, *o.conditions]).lower()
    )
    lead_sponsor = "Example University"
    last_update_posted = factory.LazyFunction(lambda: timezone.localdate())


class TrialQueryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrialQuery
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Query {n}")
    condition = "melanoma"


class TrialSyncRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrialSyncRun

    status = TrialSyncRun.Status.SUCCEEDED
    finished = factory.LazyFunction(timezone.now)


class TrialSiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrialSite
        skip_postgeneration_save = True

    trial = factory.SubFactory(TrialFactory)
    position = factory.Sequence(lambda n: n)
    facility = factory.Sequence(lambda n: f"Example Hospital {n}")
    city = "Boston"
    state = "Massachusetts"
    country = "United States"
    status = "RECRUITING"
    latitude = 42.35843
    longitude = -71.05977

    @factory.post_generation
    def keep_countries(self, create, extracted, **kwargs):
        """The trial's ``countries`` and ``site_cells`` are its sites', as the sync
        writes them."""
        if not create:
            return
        countries = sorted({*self.trial.countries, self.country} - {""})
        cells = sorted({*self.trial.site_cells, *grid_cells([(self.latitude, self.longitude)])})
        if (countries, cells) != (self.trial.countries, self.trial.site_cells):
            self.trial.countries, self.trial.site_cells = countries, cells
            Trial.objects.filter(pk=self.trial_id).update(countries=countries, site_cells=cells)

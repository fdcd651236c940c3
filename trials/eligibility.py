"""Who can join a trial: the eligibility columns of Trial and how readers see them."""

from django.db import models

from trials import labels

AGE_UNIT_LABELS = {
    "YEAR": "year",
    "MONTH": "month",
    "WEEK": "week",
    "DAY": "day",
    "HOUR": "hour",
    "MINUTE": "minute",
}


def age_text(text: str, value, unit: str) -> str:
    """ "18 years" from (18.0, "YEAR"); the registry's text when it could not be parsed."""
    if value is None or unit not in AGE_UNIT_LABELS:
        return text
    number = f"{value:g}"
    return f"{number} {AGE_UNIT_LABELS[unit]}{'' if value == 1 else 's'}"


class Eligibility(models.Model):
    """The registry's ``eligibilityModule``, written by the sync (trials/registry/
    eligibility.py). Ages keep the registry's text, its number and unit, and the age in
    years that the finder filters on (no age: no limit)."""

    minimum_age = models.CharField(max_length=40, blank=True)
    minimum_age_value = models.FloatField(null=True, blank=True)
    minimum_age_unit = models.CharField(max_length=10, blank=True)
    minimum_age_years = models.FloatField(null=True, blank=True)
    maximum_age = models.CharField(max_length=40, blank=True)
    maximum_age_value = models.FloatField(null=True, blank=True)
    maximum_age_unit = models.CharField(max_length=10, blank=True)
    maximum_age_years = models.FloatField(null=True, blank=True)
    # ALL, FEMALE or MALE ("" when the registry does not say)
    sex = models.CharField(max_length=10, blank=True)
    healthy_volunteers = models.BooleanField(null=True, blank=True)
    # The criteria text exactly as the registry sent it, and its items under the
    # registry's own headings: [{"text", "level"}] (both empty if it has none).
    eligibility_criteria = models.TextField(blank=True)
    inclusion_criteria = models.JSONField(default=list, blank=True)
    exclusion_criteria = models.JSONField(default=list, blank=True)
    # [{"name", "role", "phone", "phone_ext", "email"}] as the registry publishes them
    central_contacts = models.JSONField(default=list, blank=True)

    class Meta:
        abstract = True

    @property
    def minimum_age_text(self) -> str:
        return age_text(self.minimum_age, self.minimum_age_value, self.minimum_age_unit)

    @property
    def maximum_age_text(self) -> str:
        return age_text(self.maximum_age, self.maximum_age_value, self.maximum_age_unit)

    @property
    def ages_text(self) -> str:
        """ "18 years to 64 years", "18 years and older", "Up to 12 years", "Any age"."""
        low, high = self.minimum_age_text, self.maximum_age_text
        if low and high:
            return f"{low} to {high}"
        if low:
            return f"{low} and older"
        if high:
            return f"Up to {high}"
        return "Any age"

    @property
    def sex_label(self) -> str:
        return labels.label(labels.SEX, self.sex)

    @property
    def healthy_volunteers_text(self) -> str:
        if self.healthy_volunteers is None:
            return ""
        return "Accepted" if self.healthy_volunteers else "Not accepted"

    @property
    def has_criteria_lists(self) -> bool:
        return bool(self.inclusion_criteria or self.exclusion_criteria)

    def accepts_age(self, years: float) -> bool:
        """Whether a person of YEARS is within the trial's age limits (the filter's rule)."""
        low, high = self.minimum_age_years, self.maximum_age_years
        return (low is None or low <= years) and (high is None or years <= high)

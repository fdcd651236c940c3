"""Form fields of the finder's filters: each malformed value is a form error with a
message (the page shows it, the API answers 400 with it), never a 500."""

import datetime as dt
import re

from django import forms

from trials.models import NCT_ID_RE

from .places import city_point, stored_country

MAX_VALUES = 100
MAX_TEXT = 200
POINT_RE = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class TextField(forms.CharField):
    """Free text of a filter: bounded, no null characters."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_TEXT)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value and "\x00" in value:
            raise forms.ValidationError("Null characters are not allowed.")
        return value


class ValuesField(forms.CharField):
    """Comma-separated values ("RECRUITING,NOT_YET_RECRUITING"), upper-cased and checked
    against ``allowed()``; a single value is one value (the page's select)."""

    def __init__(self, *, allowed, what: str, **kwargs):
        self.allowed, self.what = allowed, what
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value) or ""
        values = [v.strip().upper() for v in value.split(",") if v.strip()]
        if len(values) > MAX_VALUES:
            raise forms.ValidationError(f"At most {MAX_VALUES} values.")
        allowed = self.allowed()
        unknown = [v for v in values if v not in allowed]
        if unknown:
            raise forms.ValidationError(
                f"Unknown {self.what} {', '.join(unknown)}; expected one of {', '.join(allowed)}."
            )
        return values


class TrialFinderForm(forms.Form):
    """Checks what no single field can: a distance needs a place; a place must be one
    of our sites' cities or coordinates; a country must be one our sites are in."""

    def clean_near(self):
        text = self.cleaned_data.get("near") or ""
        if not text:
            return None
        point = POINT_RE.match(text)
        if point:
            lat, lon = float(point.group(1)), float(point.group(2))
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise forms.ValidationError(
                    "Coordinates out of range (lat -90..90, lon -180..180)."
                )
            return (lat, lon, text)
        found = city_point(text)
        if found is None:
            raise forms.ValidationError(
                f"No trial site in {text!r}: give a facility city as “City, Country” "
                "(e.g. “Boston, United States”) or coordinates as “lat,lon”."
            )
        return (*found, text)

    def clean_country(self):
        text = self.cleaned_data.get("country") or ""
        if not text:
            return ""
        name = stored_country(text)
        if name is None:
            raise forms.ValidationError(f"No trial site in a country called {text!r}.")
        return name

    def clean(self):
        data = super().clean()
        if data.get("within_km") is not None and not data.get("near") and "near" not in self.errors:
            self.add_error("within_km", "A distance needs a place: give “near” too.")
        return data


class UpdatedSinceField(forms.CharField):
    def clean(self, value):
        value = (super().clean(value) or "").strip()
        if not value:
            return None
        try:
            if not DATE_RE.match(value):
                raise ValueError
            return dt.date.fromisoformat(value)
        except ValueError:
            raise forms.ValidationError(
                f"{value!r} is not a date in the form YYYY-MM-DD."
            ) from None


class NctIdsField(forms.CharField):
    def clean(self, value):
        values = [v.strip().upper() for v in (super().clean(value) or "").split(",") if v.strip()]
        if len(values) > MAX_VALUES:
            raise forms.ValidationError(f"At most {MAX_VALUES} values.")
        bad = [v for v in values if not NCT_ID_RE.match(v)]
        if bad:
            raise forms.ValidationError(
                f"{', '.join(bad)} is not an NCT ID (NCT followed by 8 digits)."
            )
        return values

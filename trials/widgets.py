"""Admin form widgets of the trials app, for other apps to cite trials with."""

from django import forms
from django.urls import reverse


class NctIdChooserInput(forms.TextInput):
    """A text input for an NCT ID with a "Choose a trial" button.

    The button opens the trial chooser (``TrialChooserViewSet``) and writes the chosen
    trial's NCT ID into the input; the value stays a plain NCT ID string, so an ID the
    sync has not fetched yet can still be typed.
    """

    template_name = "trials/widgets/nct_id_chooser.html"

    def __init__(self, attrs=None):
        super().__init__(attrs={"placeholder": "NCT01234567", "maxlength": 11, **(attrs or {})})

    def get_context(self, name, value, attrs):
        from trials.models import Trial

        context = super().get_context(name, value, attrs)
        viewset = Trial.snippet_viewset.chooser_viewset
        context["chooser_url"] = reverse(viewset.get_url_name("choose"))
        return context

    @property
    def media(self):
        return forms.Media(
            js=[
                "wagtailadmin/js/modal-workflow.js",
                "wagtailadmin/js/chooser-modal.js",
                "trials/js/nct-id-chooser.js",
            ]
        )

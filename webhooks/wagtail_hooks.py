"""Webhook endpoints as snippets; the delivery log read-only beside them."""

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Event, WebhookDelivery, WebhookEndpoint


class EndpointForm(WagtailAdminModelForm):
    """Events as checkboxes (stored as a JSON list); the secret is not echoed in clear."""

    events = forms.MultipleChoiceField(
        choices=Event.choices, widget=forms.CheckboxSelectMultiple, required=True
    )
    secret = forms.CharField(
        min_length=16, max_length=200, widget=forms.PasswordInput(render_value=True)
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "secret", "events", "active"]


class WebhookEndpointViewSet(SnippetViewSet):
    model = WebhookEndpoint
    icon = "link-external"
    menu_label = "Webhooks"
    list_display = ["name", "url", "active"]
    panels = [
        FieldPanel("name"),
        FieldPanel("url"),
        FieldPanel("secret"),
        FieldPanel("events"),
        FieldPanel("active"),
    ]

    def get_form_class(self, for_update=False):
        return EndpointForm


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Deliveries are written by the worker only: nobody adds or edits them."""

    def user_has_permission(self, user, action):
        if action in ("add", "change"):
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class WebhookDeliveryViewSet(SnippetViewSet):
    """The delivery log: status, response code, attempts. Read-only."""

    model = WebhookDelivery
    icon = "list-ul"
    menu_label = "Webhook deliveries"
    list_display = [
        "event",
        "endpoint",
        "status",
        Column("response_code", label="Response code"),
        "attempts",
        "created_at",
        "last_error",
    ]
    list_filter = ["status", "event"]
    inspect_view_enabled = True


register_permission_policy(WebhookDelivery, ReadOnlyPolicy(WebhookDelivery))
register_snippet(WebhookEndpointViewSet)
register_snippet(WebhookDeliveryViewSet)

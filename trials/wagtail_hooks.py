"""The trials app in the Wagtail admin: a "Registry" menu with the trials (read-only
snippets), the saved registry queries (snippets editors maintain) and the sync runs
(wagtail-modeladmin, read-only), plus a dashboard panel on the health of the sync."""

from django import forms
from django.contrib.admin import display
from django.contrib.auth import get_permission_codename
from django.contrib.auth.models import Permission
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince
from wagtail import hooks
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenView,
)
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet, SnippetViewSetGroup
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin

from trials.filters import TrialAdminFilter
from trials.models import (
    Trial,
    TrialQuery,
    TrialSyncRun,
    status_choices,
)

REGISTRY_MENU_HOOK = "register_trials_registry_menu_item"
STALE_AFTER = timezone.timedelta(hours=36)  # a daily sync that has not succeeded since


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """The registry is the source of truth: nobody adds, edits or deletes these rows in
    the admin, superusers included. Viewing needs the model's "view" permission."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a == "view"])


# Registered before the viewsets below, so they pick it up instead of the default.
register_permission_policy(Trial, ReadOnlyPermissionPolicy(Trial))


def view_permission_only(model):
    codename = get_permission_codename("view", model._meta)
    return Permission.objects.filter(
        content_type__app_label=model._meta.app_label, codename=codename
    )


# -- trials ---------------------------------------------------------------------------------


class TrialIndexView(IndexView):
    """Search the denormalised search text (full-text indexed on PostgreSQL) rather than
    a Wagtail search index, which the sync's bulk writes would not maintain."""

    def search_queryset(self, queryset):
        return queryset.search(self.search_query, prefix=True) if self.is_searching else queryset


class TrialChooserFilterForm(BaseFilterForm):
    q = forms.CharField(
        label="Search",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "NCT ID, title, condition…"}),
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=lambda: [("", "Any status"), *status_choices()]
    )

    def filter(self, objects):
        objects = super().filter(objects)
        if query := self.cleaned_data.get("q"):
            objects = objects.search(query, prefix=True)
            self.is_searching, self.search_query = True, query
        if status := self.cleaned_data.get("status"):
            # the finder's own status filter (trials.filters), so both agree
            objects = TrialAdminFilter({"status": status}, queryset=objects).qs
        return objects


class TrialChooseView(ChooseView):
    filter_form_class = TrialChooserFilterForm


class TrialChooseResultsView(ChooseResultsView):
    filter_form_class = TrialChooserFilterForm


class TrialChosenView(SnippetChosenView):
    def get_chosen_response_data(self, item):
        # Citations store the NCT ID, not the row's key (trials.widgets.NctIdChooserInput).
        return {**super().get_chosen_response_data(item), "nct_id": item.nct_id}


class TrialChooserViewSet(SnippetChooserViewSet):
    """The chooser other apps use to cite trials: searchable by NCT ID, title, condition."""

    choose_view_class = TrialChooseView
    choose_results_view_class = TrialChooseResultsView
    chosen_view_class = TrialChosenView


class TrialViewSet(SnippetViewSet):
    """Trials as snippets: list, search, filter and inspect; never add, edit or delete."""

    model = Trial
    icon = "clipboard-list"
    menu_label = "Trials"
    menu_order = 1
    list_display = [
        "nct_id",
        "brief_title",
        Column("status_label", label="Status", sort_key="overall_status"),
        Column("phase_display", label="Phase"),
        Column("last_update_posted", label="Updated in registry", sort_key="last_update_posted"),
        Column("last_seen", label="Last seen"),
    ]
    list_per_page = 50
    ordering = ["-last_update_posted", "nct_id"]
    search_fields = ["search_text"]
    filterset_class = TrialAdminFilter
    index_view_class = TrialIndexView
    chooser_viewset_class = TrialChooserViewSet
    add_to_reference_index = False  # a trial references nothing; pages reference trials
    inspect_view_enabled = True
    copy_view_enabled = False
    inspect_view_fields = [
        "nct_id",
        "brief_title",
        "official_title",
        "overall_status",
        "last_known_status",
        "status_verified_date",
        "why_stopped",
        "phases",
        "study_type",
        "conditions",
        "interventions",
        "lead_sponsor",
        "collaborators",
        "enrollment",
        "enrollment_type",
        "start_date",
        "start_date_type",
        "primary_completion_date",
        "primary_completion_date_type",
        "completion_date",
        "completion_date_type",
        "has_results",
        "results_first_posted",
        "secondary_ids",
        "nct_id_aliases",
        "locations_count",
        "site_statuses",
        "countries",
        "last_update_posted",
        "first_seen",
        "last_seen",
        "last_changed",
        "missing_from_registry",
        "content_hash",
    ]
    # The edit views are unreachable (see ReadOnlyPermissionPolicy); a form is still
    # declared so that Wagtail never has to guess one.
    panels = [FieldPanel("brief_title", read_only=True)]

    def get_permissions_to_register(self):
        return view_permission_only(Trial)


class TrialQueryViewSet(SnippetViewSet):
    """Saved registry queries: what the daily sync fetches beyond the cited trials."""

    model = TrialQuery
    icon = "search"
    menu_label = "Registry queries"
    menu_order = 2
    list_display = ["name", "condition", "intervention", "term", "sponsor", "active", "last_synced"]
    list_filter = ["active"]
    search_fields = ["name", "condition", "intervention", "term", "sponsor"]
    copy_view_enabled = False
    panels = [
        FieldPanel("name"),
        MultiFieldPanel(
            [
                FieldPanel("condition"),
                FieldPanel("intervention"),
                FieldPanel("term"),
                FieldPanel("sponsor"),
                FieldPanel("status_filter"),
            ],
            heading="What to fetch (ClinicalTrials.gov search syntax)",
        ),
        FieldPanel("active"),
    ]


class RegistryGroup(SnippetViewSetGroup):
    menu_label = "Registry"
    menu_icon = "clipboard-list"
    menu_order = 250
    items = (TrialViewSet, TrialQueryViewSet)
    submenu_hook = REGISTRY_MENU_HOOK


register_snippet(RegistryGroup)


# -- sync runs (wagtail-modeladmin) -----------------------------------------------------------


class ReadOnlyPermissionHelper(PermissionHelper):
    """Runs are records: listed and inspected with the "view" permission, never changed."""

    def user_can_list(self, user):
        return self.user_has_specific_permission(user, self.get_perm_codename("view"))

    def user_can_inspect_obj(self, user, obj):
        return self.user_can_list(user)

    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class TrialSyncRunAdmin(ModelAdmin):
    model = TrialSyncRun
    menu_label = "Sync runs"
    menu_icon = "history"
    add_to_admin_menu = False  # listed in the Registry menu instead
    permission_helper_class = ReadOnlyPermissionHelper
    inspect_view_enabled = True
    list_display = (
        "started",
        "run_scope",
        "status_label",
        "triggered_by",
        "pages_read",
        "studies_fetched",
        "created",
        "updated",
        "unchanged",
        "failed",
        "missing",
        "took",
    )
    list_filter = ("status", "kind", "trigger", "started")
    search_fields = ("error",)
    ordering = ("-started",)
    list_per_page = 50
    inspect_view_fields = (
        "started",
        "finished",
        "kind",
        "status",
        "trigger",
        "parameters",
        "pages",
        "fetched",
        "created",
        "updated",
        "unchanged",
        "failed",
        "missing",
        "error",
        "warnings",
        "resumed_from",
        "cursor",
    )

    @display(description="Status")
    @display(description="Status")
    def status_label(self, run):
        css = {"succeeded": "success", "failed": "critical", "partial": "warning"}.get(
            run.status, "info"
        )
        return format_html(
            '<span class="w-status w-status--{}">{}</span>', css, run.get_status_display()
        )

    @display(description="Run")
    def run_scope(self, run):
        """What the run fetched: an ``--ids`` run is "full" records, not a full sync."""
        parameters = run.parameters or {}
        ids = parameters.get("ids") or []
        if ids:
            shown = ", ".join(ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")
            return f"Selected trials ({shown})"
        if parameters.get("scope") == "stored":
            return "Every stored trial"
        if parameters.get("query"):
            return f"Query “{parameters['query']}” ({run.get_kind_display().lower()})"
        return run.get_kind_display()

    TRIGGERS = {
        "manual": "By hand",
        "command": "Command line",
        "schedule": "Schedule",
        "demo": "Demo content",
    }

    @display(description="Started by")
    def triggered_by(self, run):
        return self.TRIGGERS.get(run.trigger, run.trigger.replace("_", " ").capitalize())

    @display(description="Result pages read")
    def pages_read(self, run):
        return run.pages

    @display(description="Studies fetched")
    def studies_fetched(self, run):
        return run.fetched

    @display(description="Duration")
    def took(self, run):
        return f"{run.duration.total_seconds():.1f} s" if run.duration else "—"

    def get_permissions_for_registration(self):
        return view_permission_only(TrialSyncRun)

    def register_indexing(self):
        # A run references nothing worth indexing, and the sync saves its run after every
        # page: keep Wagtail's reference-index task off that path.
        pass


sync_runs_admin = TrialSyncRunAdmin()
sync_runs_admin.register_with_wagtail()


@hooks.register(REGISTRY_MENU_HOOK)
def sync_runs_menu_item():
    return sync_runs_admin.get_menu_item(order=3)


# -- dashboard -----------------------------------------------------------------------------------


class SyncHealthPanel(Component):
    """The last registry sync and its age, on the admin dashboard."""

    name = "trials_sync_health"
    template_name = "trials/admin/sync_health_panel.html"
    order = 90

    def get_context_data(self, parent_context=None):
        runs = list(TrialSyncRun.objects.order_by("-started", "-pk")[:1])
        last = runs[0] if runs else None
        success = (
            last
            if last and last.status == TrialSyncRun.Status.SUCCEEDED
            else TrialSyncRun.last_success()
        )
        now = timezone.now()
        return {
            "last": last,
            "last_age": timesince(last.started, now) if last else None,
            "success": success,
            "success_age": timesince(success.started, now) if success else None,
            "stale": success is None or now - success.started > STALE_AFTER,
            "runs_url": sync_runs_admin.url_helper.index_url,
        }


@hooks.register("construct_homepage_panels")
def add_sync_health_panel(request, panels):
    if sync_runs_admin.permission_helper.user_can_list(request.user):
        panels.append(SyncHealthPanel())

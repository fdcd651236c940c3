"""Subscribe (a form), confirm (the signed link of the first e-mail), unsubscribe."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.lockout import client_ip
from trials.filters import TrialFilter

from .forms import AlertForm, normalised_query, over_limit
from .mail import send_confirmation
from .models import TrialAlert
from .tokens import CONFIRM_MAX_AGE, CONFIRM_SALT, UNSUBSCRIBE_SALT, read_token

RATE_LIMITED = "Too many alert requests. Please wait an hour before asking again."
TEMPLATE = "trials/alerts/subscribe.html"


def _search_summary(query: str) -> list[tuple[str, str]]:
    """(label, value) of each filter of QUERY, for the reader to see what they follow."""
    finder = TrialFilter(QueryDict(query))
    data = QueryDict(query)
    return [
        (finder.filters[k].label, ", ".join(data.getlist(k))) for k in data if k in finder.filters
    ]


@require_http_methods(["GET", "POST"])
def subscribe(request):
    """GET ?<finder parameters>: the form for that search; POST: send the confirmation."""
    if request.method == "GET":
        query = normalised_query(request.GET.urlencode())
        form = AlertForm(initial={"query": query})
        return render(request, TEMPLATE, {"form": form, "summary": _search_summary(query)})
    form = AlertForm(request.POST)
    status = 200
    if form.is_valid():
        email, query = form.cleaned_data["email"], form.cleaned_data["query"]
        # both limits count every valid request, so neither can be dodged by the other
        by_address = over_limit(f"address:{email}", settings.TRIALS_ALERTS_PER_ADDRESS_PER_HOUR)
        by_client = over_limit(
            f"client:{client_ip(request)}", settings.TRIALS_ALERTS_PER_CLIENT_PER_HOUR
        )
        if by_address or by_client:
            form.add_error(None, RATE_LIMITED)
            status = 429
        else:
            alert = _pending_alert(email, query)
            if alert.confirmed is None:
                send_confirmation(alert)
            # the same answer whether or not the address was already subscribed
            return render(request, "trials/alerts/check_inbox.html", {"email": email})
    else:
        status = 400
    query = form.data.get("query", "")
    context = {"form": form, "summary": _search_summary(normalised_query(query))}
    return render(request, TEMPLATE, context, status=status)


def _pending_alert(email: str, query: str) -> TrialAlert:
    try:
        with transaction.atomic():
            alert, _ = TrialAlert.objects.get_or_create(email=email, query=query)
    except IntegrityError:  # the same request twice at once
        alert = TrialAlert.objects.get(email=email, query=query)
    return alert


def confirm(request, token: str):
    alert = read_token(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    if alert is None:
        message = "This confirmation link is not valid or has expired. Please subscribe again."
        return render(request, "trials/alerts/message.html", {"message": message}, status=400)
    if alert.confirmed is None:
        alert.confirmed = timezone.now()
        alert.save(update_fields=["confirmed"])
    message = (
        "Your trial alert is on: you will get an e-mail when matching trials are added "
        "or change status."
    )
    return render(request, "trials/alerts/message.html", {"message": message, "alert": alert})


# the signed token is the credential; mail clients' one-click POST carries no CSRF token
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET: a button (link scanners must not unsubscribe anyone); POST: the address and
    its search are deleted (also the one-click POST of List-Unsubscribe)."""
    alert = read_token(token, salt=UNSUBSCRIBE_SALT)
    if alert is None:
        message = "This link is not valid, or the alert was already removed."
        return render(request, "trials/alerts/message.html", {"message": message}, status=400)
    if request.method == "GET":
        return render(request, "trials/alerts/unsubscribe.html", {"alert": alert})
    alert.delete()
    message = "Your address and search are deleted: no more trial alerts."
    return render(request, "trials/alerts/message.html", {"message": message})

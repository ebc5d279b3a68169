"""« Mon compte » → « Jetons d'accès à l'API »: a person creates, lists and revokes their own tokens. The
secret is shown once, on the page that answers the creation; creation and revocation are journaled."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cooperer.accounts.permissions import roles_of
from cooperer.api.models import ApiToken
from cooperer.audit.enums import Action
from cooperer.audit.services import record, record_api_token_created

PAGE_SIZE = 30


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Nom du jeton",
        max_length=100,
        help_text="Pour le reconnaître plus tard, par exemple : « tableau de bord de la CAF ».",
    )


def _epci_of(user) -> int | None:
    """The territory under which the journal files the act: the person's one territory, if they have one."""
    epcis = {role.epci_id for role in roles_of(user) if role.epci_id}
    return epcis.pop() if len(epcis) == 1 else None


@login_required
def token_list(request):
    form, secret = TokenForm(request.POST or None), ""
    if request.method == "POST" and form.is_valid():
        token, secret = ApiToken.issue(request.user, form.cleaned_data["name"].strip())
        record_api_token_created(
            token, user=request.user, scopes=[str(role) for role in roles_of(request.user)],
            epci_id=_epci_of(request.user),
        )  # fmt: skip
        form = TokenForm()
    tokens = Paginator(request.user.api_tokens.all(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "api/tokens.html",
        {"form": form, "secret": secret, "page": tokens, "roles": roles_of(request.user)},
        status=201 if secret else 200,
    )


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(Action.API_TOKEN_REVOKED, token, epci_id=_epci_of(request.user))
        messages.success(request, f"Le jeton « {token.name} » est révoqué : il ne donne plus accès à l'API.")
    return redirect("api_tokens:list")

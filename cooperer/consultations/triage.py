"""The contributions list of a consultation and what the animatrice does with many of them at once: search,
filter, read in a compact list, validate a theme or hide with a reason for a whole selection."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils.html import format_html_join
from django.views.decorators.http import require_POST

from cooperer.consultations import permissions
from cooperer.consultations.forms import ContributionFilterForm
from cooperer.consultations.models import Contribution, ContributionTag, Theme
from cooperer.consultations.services import ConsultationError, hide_many, set_theme_many
from cooperer.consultations.views import NOT_ANIMATOR, _back_to_contributions, _consultation
from cooperer.core.pagecache import cached_page
from cooperer.core.pagination import CappedCountPaginator, IdFirstPaginator
from cooperer.core.params import id_param
from cooperer.visions.reading import contributions_feeding

PAGE_SIZE = 50
# A search counts its matches up to this (« plus de 1 000 ») rather than reading every match of a common word.
SEARCH_COUNT_CAP = 1000


def filtered(consultation, data: dict):
    """The contributions the filter form's cleaned data asks for, newest first."""
    items = consultation.contributions.all()
    if data.get("q"):
        items = items.matching(data["q"])
    for field in ("qpv", "audience", "kind"):
        if data.get(field):
            items = items.filter(**{field: data[field]})
    if data.get("theme"):
        items = items.filter(tags__theme=data["theme"])
    state = data.get("state", "")
    if state == "masquees":
        items = items.filter(hidden_at__isnull=False)
    elif state == "nouvelles":
        items = items.visible().recent()
    elif state == "a_relire":
        items = items.to_review()
    elif state != "toutes":
        items = items.visible()
    return items.order_by("-created_at", "-pk")


@login_required
@cached_page()
def contributions(request, pk):
    consultation = _consultation(request, pk)
    can_manage = permissions.can_manage(request.user, consultation)
    form = ContributionFilterForm(request.GET or None, consultation=consultation, moderator=can_manage)
    items = filtered(consultation, form.cleaned_data if form.is_valid() else {})
    rows = Contribution.objects.select_related("qpv").prefetch_related(
        Prefetch("tags", queryset=ContributionTag.objects.select_related("theme"), to_attr="tag_list")
    )  # the page's rows, loaded by their ids: the search is not run again for them
    if form.is_valid() and form.cleaned_data.get("q"):
        paginator = CappedCountPaginator(items, PAGE_SIZE, cap=SEARCH_COUNT_CAP, rows=rows)
    else:
        paginator = IdFirstPaginator(items, PAGE_SIZE, rows=rows)
    page = paginator.get_page(request.GET.get("page"))
    feeding = contributions_feeding([contribution.pk for contribution in page])
    for contribution in page:
        contribution.feeds = feeding.get(contribution.pk, [])
    params = request.GET.copy()
    params.pop("page", None)
    compact = form.is_valid() and form.cleaned_data["display"] == "compact"
    return render(
        request,
        "consultations/contributions.html",
        {
            "consultation": consultation,
            "form": form,
            "page": page,
            "compact": compact,
            "query_string": params.urlencode(),
            "can_manage": can_manage,
            # Rendered once: every card of the page offers the same themes.
            "theme_options": format_html_join(
                "", '<option value="{}">{}</option>', ((str(t.pk), t.name) for t in consultation.themes.all())
            ),
            "nav": "consultations",
        },
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


@login_required
@require_POST
def contributions_bulk(request, pk):
    """One action on the ticked contributions: « theme » (confirm the proposed theme, or set the chosen one)
    or « masquer » (hide with the reason typed once)."""
    consultation = _consultation(request, pk, permissions.can_manage, NOT_ANIMATOR)
    ids = [number for value in request.POST.getlist("ids") if (number := id_param(value))]
    action = request.POST.get("action")
    try:
        if action == "masquer":
            count = hide_many(consultation, ids, request.POST.get("reason", ""), request.user)
            done = f"{_plural(count, 'contribution')} masquée{'s' if count > 1 else ''} : elles restent dans l'historique."
        elif action == "theme":
            theme = None
            if request.POST.get("theme"):
                theme = get_object_or_404(
                    Theme, pk=id_param(request.POST["theme"]), consultation=consultation
                )
            count = set_theme_many(consultation, ids, theme, request.user)
            verb = "confirmé" if theme is None else f"fixé à « {theme.name} »"
            done = (
                f"Thème {verb} pour {_plural(count, 'contribution')}. La prochaine analyse en tiendra compte."
            )
        else:
            raise ConsultationError("Choisissez une action : valider le thème ou masquer.")
    except ConsultationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return _back_to_contributions(request, consultation)

"""Pages of initiative records: the public list with search and filters, a record, its writing and review,
the most-cited levers and obstacles, and the open exports."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import cached_property
from django.views.decorators.http import require_POST

from cooperer.accounts.permissions import animated_epci_ids, community_role, is_platform_admin
from cooperer.core.exports import safe_cell
from cooperer.core.pagination import IdFirstPaginator
from cooperer.core.text import query_terms
from cooperer.knowledge import factors as factor_stats
from cooperer.knowledge import permissions, search, services, similar
from cooperer.knowledge.enums import FactorKind
from cooperer.knowledge.forms import RecordForm, ReturnForm, SearchForm, StartForm, factor_choices
from cooperer.knowledge.models import Record, filter_token
from cooperer.knowledge.opendata import HEADER, record_as_dict, record_row
from cooperer.knowledge.services import RecordError

PAGE = 20


def filtered(form: SearchForm, walk: bool = False):
    """Published records matching the search form. The words searched and the theme, public, lever and
    obstacle chosen are one query of the full-text index (the filters are keys of the search text,
    `models.filter_token`), which intersects them; the territory is a column. Constant queries, id-first pages."""
    records = Record.objects.published()
    if not form.is_valid():
        return records
    data = form.cleaned_data
    terms = query_terms(data["q"]) if data["q"] else []
    if data["q"] and not terms:  # only grammar words: nothing to look for
        return records.none()
    exact = tuple(
        filter_token(kind, data[name].pk)
        for name, kind in (("theme", "t"), ("public", "p"), ("levier", "l"), ("frein", "f"))
        if data[name]
    )
    records = search.matching(records, terms, exact, walk=walk)
    if data["territoire"]:
        records = records.filter(epci=data["territoire"])
    return records


class CappedPaginator(IdFirstPaginator):
    """A search or a filter counts at most `CAP` + 1 matches: beyond, the page says « plus de 1 000 » and pages
    stop at the 50th; a search that wide is refined, not read to its 500th page, and its count stays cheap
    whatever the data (the whole list, unfiltered, is counted exactly from the status index: `exact`).

    The count comes first, so the page's ids are read the cheaper way for what it found: few matches are
    sorted (`object_list`), many are met walking the listing index in order (`walk_list`)."""

    CAP = 1_000
    WALK_FROM = 500

    def __init__(self, object_list, per_page, walk_list=None, rows=None, exact=False, **kwargs):
        super().__init__(object_list, per_page, rows=rows, **kwargs)
        self.walk_list, self.exact = walk_list, exact

    @cached_property
    def count(self):
        if self.exact:
            return self.object_list.order_by().count()
        return self.object_list.order_by()[: self.CAP + 1].count()

    @property
    def capped(self) -> bool:
        return not self.exact and self.count > self.CAP

    @cached_property
    def num_pages(self):
        return super().num_pages if not self.capped else self.CAP // self.per_page

    def page(self, number):
        """The page's ids from the filtered list, then its rows by id alone (`rows`: with what the page shows),
        so that the search is not evaluated a third time."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        ordered = (
            self.walk_list
            if self.walk_list is not None and self.count >= self.WALK_FROM
            else self.object_list
        )
        ids = list(ordered.prefetch_related(None).values_list("pk", flat=True)[bottom:top])
        found = self._rows(ids)
        return self._get_page([found[pk] for pk in ids if pk in found], number, self)


def with_listing(records):
    return (
        records.select_related("epci")
        .defer("search_text", "context", "method", "results", "lessons", "epci__search_text")
        .prefetch_related(Prefetch("qpvs", to_attr="qpv_list"))
    )


def home(request):
    """« Capitalisation »: the published records, searched and filtered, and the reader's own drafts."""
    form = SearchForm(request.GET or None)
    order = ("-published_at", "-id")
    records, walk = filtered(form).order_by(*order), filtered(form, walk=True).order_by(*order)
    narrowed = form.is_valid() and any(form.cleaned_data.values())
    rows = with_listing(Record.objects.all())
    page = CappedPaginator(records, PAGE, walk_list=walk, rows=rows, exact=not narrowed).get_page(
        request.GET.get("page")
    )
    drafts = []
    if request.user.is_authenticated:
        drafts = list(
            permissions.drafts_visible_to(request.user, Record.objects.all())
            .select_related("epci")
            .only("pk", "title", "status", "epci__name", "updated_at")
            .order_by("-updated_at", "-id")[:20]
        )
    return render(
        request,
        "knowledge/records/home.html",
        {"form": form, "page": page, "drafts": drafts, "searched": form.is_bound, "nav": "knowledge",
         "can_import": bool(request.user.is_authenticated and (is_platform_admin(request.user)
                                                                or animated_epci_ids(request.user))),
         "can_start": bool(request.user.is_authenticated and (permissions.writable_epci_ids(request.user)
                                                               or is_platform_admin(request.user)))},
    )  # fmt: skip


def _record_context(request, record):
    record = (
        Record.objects.select_related("epci", "community", "application", "published_by")
        .prefetch_related("qpvs", "themes", "publics", "actors", "steps", "bilans__application")
        .get(pk=record.pk)
    )
    return {
        "record": record,
        "period": services.period_label(record),
        "factors": services.factors_by_kind(record),
        "levers_label": FactorKind.LEVER.label,
        "can_write": permissions.can_write(request.user, record),
        "can_review": permissions.can_review(request.user, record),
        "is_writer": permissions.is_writer(request.user, record),
        "problems": services.problems(record) if not record.is_published else [],
        "nav": "knowledge",
    }


def record_detail(request, pk):
    record = permissions.get_record_for(request, pk)
    context = _record_context(request, record)
    context["return_form"] = ReturnForm()
    context["similar"] = similar.records_like(context["record"]) if context["record"].is_published else []
    return render(request, "knowledge/records/detail.html", context)


def record_print(request, pk):
    """The printable sheet (the browser prints it; the PDF is the same content)."""
    record = permissions.get_record_for(request, pk)
    return render(request, "knowledge/records/print.html", _record_context(request, record))


def record_pdf(request, pk):
    from cooperer.knowledge.document import record_pdf as build

    record = permissions.get_record_for(request, pk)
    context = _record_context(request, record)
    response = HttpResponse(
        build(context["record"], context["factors"], context["period"]), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="fiche-{record.pk}.pdf"'
    return response


def _startable_communities(user):
    from cooperer.communities.models import Community

    communities = Community.objects.select_related("epci").order_by("name")
    if not is_platform_admin(user):
        from django.db.models import Q

        communities = communities.filter(
            Q(epci_id__in=animated_epci_ids(user))
            | Q(memberships__user_id=user.pk, memberships__left_on__isnull=True)
        ).distinct()
    return communities


def _startable_applications(user):
    from django.db.models import Q

    from cooperer.calls.enums import Outcome
    from cooperer.calls.models import Application
    from cooperer.calls.permissions import member_structure_ids

    funded = Application.objects.filter(decision__outcome__in=[Outcome.GRANTED, Outcome.PARTIAL])
    if not is_platform_admin(user):
        funded = funded.filter(
            Q(call__epci_id__in=animated_epci_ids(user)) | Q(applicant_id__in=member_structure_ids(user))
        )
    return funded.select_related("applicant").order_by("title")


@login_required
def record_start(request):
    """Start a record: from a community of action, from a funded action, or from scratch."""
    epci_ids = permissions.writable_epci_ids(request.user)
    if is_platform_admin(request.user):
        from cooperer.territories.models import Epci

        epci_ids = set(Epci.objects.values_list("pk", flat=True))
    form = StartForm(request.POST or None, epci_ids=epci_ids)
    if request.method == "POST" and form.is_valid():
        record = services.start_blank(form.cleaned_data["epci"], request.user, form.cleaned_data["title"])
        messages.success(request, "La fiche est créée en brouillon.")
        return redirect("knowledge:edit", pk=record.pk)
    return render(
        request,
        "knowledge/records/start.html",
        {"form": form, "communities": _startable_communities(request.user),
         "applications": _startable_applications(request.user), "nav": "knowledge"},
    )  # fmt: skip


@login_required
@require_POST
def start_from_community(request, community_pk):
    from cooperer.communities.enums import MemberRole
    from cooperer.communities.models import Community

    community = get_object_or_404(Community.objects.select_related("epci"), pk=community_pk)
    if community_role(request.user, community) not in (MemberRole.BACKBONE, MemberRole.MEMBER):
        raise PermissionDenied(
            "Seuls les membres et la fonction de soutien de la communauté écrivent sa fiche."
        )
    record = services.start_from_community(community, request.user)
    messages.success(
        request, "La fiche est pré-remplie à partir de la communauté : relisez-la et complétez-la."
    )
    return redirect("knowledge:edit", pk=record.pk)


@login_required
@require_POST
def start_from_application(request, application_pk):
    from cooperer.calls.models import Application

    application = get_object_or_404(
        Application.objects.select_related("call", "applicant"), pk=application_pk
    )
    if not _startable_applications(request.user).filter(pk=application.pk).exists():
        raise PermissionDenied(
            "Seuls les membres de la structure porteuse et l'animation du territoire écrivent la fiche d'une "
            "action financée."
        )
    record = services.start_from_application(application, request.user)
    messages.success(
        request, "La fiche est pré-remplie à partir de l'action financée : relisez-la et complétez-la."
    )
    return redirect("knowledge:edit", pk=record.pk)


@login_required
def record_edit(request, pk):
    record = permissions.get_record_for(request, pk, write=True)
    factors = services.available_factors()
    form = RecordForm(request.POST or None, instance=record)
    chosen = {(rf.factor_id, rf.kind): rf.comment for rf in record.factors.all()}
    factor_errors = []
    if request.method == "POST":
        picked, factor_errors = factor_choices(request.POST, factors)
        chosen = {(fid, kind): comment for fid, kind, comment in picked}
        if form.is_valid() and not factor_errors:
            record = form.save()
            services.set_factors(record, picked)
            services.refresh_search_text(record)
            messages.success(request, "La fiche est enregistrée.")
            return redirect("knowledge:record", pk=record.pk)
    rows = [
        {
            "factor": f,
            "lever": (f.pk, FactorKind.LEVER) in chosen,
            "obstacle": (f.pk, FactorKind.OBSTACLE) in chosen,
            "comment": chosen.get((f.pk, FactorKind.LEVER)) or chosen.get((f.pk, FactorKind.OBSTACLE)) or "",
        }
        for f in factors
    ]
    return render(
        request,
        "knowledge/records/form.html",
        {
            "form": form,
            "record": record,
            "factor_rows": rows,
            "factor_errors": factor_errors,
            "nav": "knowledge",
        },
    )


def _act(request, pk, action, success: str):
    record = get_object_or_404(Record.objects.select_related("epci"), pk=pk)
    if not permissions.can_read(request.user, record):
        raise PermissionDenied(permissions.NOT_WRITER)
    try:
        action(record)
    except RecordError as error:
        messages.error(request, error.message)
        return redirect("knowledge:record", pk=pk)
    messages.success(request, success)
    return redirect("knowledge:record", pk=pk)


@login_required
@require_POST
def record_submit(request, pk):
    return _act(
        request,
        pk,
        lambda r: services.submit(r, request.user),
        "La fiche est soumise à la relecture de l'animation du territoire.",
    )


@login_required
@require_POST
def record_publish(request, pk):
    return _act(
        request,
        pk,
        lambda r: services.publish(r, request.user),
        "La fiche est publiée : tout le monde peut la lire.",
    )


@login_required
@require_POST
def record_return(request, pk):
    comment = request.POST.get("comment", "")
    return _act(
        request,
        pk,
        lambda r: services.return_for_changes(r, request.user, comment),
        "La fiche est renvoyée à ses rédacteurs avec votre commentaire.",
    )


def factor_chart(request):
    """The levers and obstacles the published records cite most, across territories: a chart and its table."""
    rows = factor_stats.most_cited(limit=15)
    return render(
        request,
        "knowledge/records/factors.html",
        {"chart": factor_stats.chart(rows), "rows": rows, "nav": "knowledge"},
    )


# -- open data ------------------------------------------------------------------------------------------------


def _export_queryset():
    return (
        Record.objects.published()
        .order_by("pk")
        .select_related("epci")
        .prefetch_related("qpvs", "themes", "publics", "actors", "steps", "factors__factor")
        .defer("search_text")
    )


def _chunks(queryset, size=500):
    """Rows by chunks of primary keys, each chunk with its prefetches: a constant memory whatever the count."""
    last = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last)[:size])
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].pk


def export_json(request):
    def stream():
        yield '{"licence_des_donnees": "Licence Ouverte 2.0 ou CC BY-SA 4.0, selon chaque fiche", "fiches": ['
        for i, record in enumerate(_chunks(_export_queryset())):
            yield ("," if i else "") + json.dumps(record_as_dict(record, request), ensure_ascii=False)
        yield "]}"

    response = StreamingHttpResponse(stream(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="fiches.json"'
    return response


class _Echo:
    """A file that hands back what is written: the CSV writer's lines, streamed as they come."""

    def write(self, value):
        return value


def export_csv(request):
    """The same fields as the JSON, one row per record, streamed (UTF-8 with BOM, `;`, formula-safe cells)."""
    import csv

    writer = csv.writer(_Echo(), delimiter=";")

    def stream():
        yield "\ufeff" + writer.writerow([safe_cell(cell) for cell in HEADER])
        for record in _chunks(_export_queryset()):
            yield writer.writerow([safe_cell(cell) for cell in record_row(record, request)])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="fiches.csv"'
    return response


# -- import ---------------------------------------------------------------------------------------------------


@login_required
def record_import(request):
    """Import records from a table: preview of every row's problems (line, column, reason), then all or nothing.
    For the animation of a territory (the records go to its review) and administrators."""
    from pathlib import Path

    from django import forms
    from django.core import signing

    from cooperer.core.uploads import check_upload, discard_upload, store_upload
    from cooperer.knowledge import importers
    from cooperer.territories.models import Epci

    epcis = Epci.objects.order_by("name")
    if not is_platform_admin(request.user):
        epcis = epcis.filter(pk__in=animated_epci_ids(request.user))
    if not epcis.exists():
        raise PermissionDenied("L'import de fiches est réservé à l'animation d'un territoire.")

    class ImportForm(forms.Form):
        epci = forms.ModelChoiceField(label="Territoire des fiches", queryset=epcis)
        file = forms.FileField(label="Fichier (CSV ou Excel .xlsx)", required=False)
        token = forms.CharField(required=False, widget=forms.HiddenInput)

    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "header": importers.TEMPLATE_HEADER, "nav": "knowledge"}
    if request.method != "POST" or not form.is_valid():
        return render(request, "knowledge/records/import.html", context)
    epci, signer = form.cleaned_data["epci"], signing.Signer(salt="knowledge-import")
    token, upload = form.cleaned_data["token"], form.cleaned_data["file"]
    try:
        if token:
            owner, _, kept = signer.unsign(token).partition(":")
            if owner != str(request.user.pk):
                raise signing.BadSignature(owner)
            path = Path(kept)
        elif upload is not None:
            check_upload(upload, (".csv", ".txt", ".xlsx"))
            path = store_upload(upload, "knowledge")
        else:
            form.add_error("file", "Choisissez un fichier.")
            return render(request, "knowledge/records/import.html", context)
        result = importers.preview(path.name, path.read_bytes(), epci)
    except (signing.BadSignature, FileNotFoundError):
        form.add_error(None, "Ce fichier n'est plus disponible : déposez-le à nouveau.")
        return render(request, "knowledge/records/import.html", context)
    except forms.ValidationError as error:
        form.add_error("file", error)
        return render(request, "knowledge/records/import.html", context)
    except importers.RecordImportError as error:
        discard_upload(path)
        context["refused"] = str(error)
        return render(request, "knowledge/records/import.html", context)
    if token and request.POST.get("commit") and not result.errors:
        made = importers.commit(result, epci, request.user)
        discard_upload(path)
        messages.success(
            request, f"{len(made)} fiche(s) importée(s), soumises à relecture avant publication."
        )
        return redirect("knowledge:home")
    if result.errors:
        discard_upload(path)
    context.update(
        preview=result, token=signer.sign(f"{request.user.pk}:{path}") if not result.errors else "", epci=epci,
        errors=[e.as_dict() for e in result.errors],
    )  # fmt: skip
    return render(request, "knowledge/records/import.html", context)

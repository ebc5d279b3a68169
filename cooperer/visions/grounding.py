"""The page that builds a vision from the synthesis: what the scope's consultation said (topics, quotes, the
team's synthesis) beside the draft, and the contributions to link to its elements and outcomes."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from cooperer.consultations.enums import Audience
from cooperer.consultations.models import Contribution, ContributionTag, Synthesis
from cooperer.core.pagination import IdFirstPaginator
from cooperer.visions import reading, services
from cooperer.visions.models import Element, Grounding, Outcome
from cooperer.visions.services import VisionError


def parse_target(version, value: str) -> Element | Outcome:
    kind, _, pk = (value or "").partition(":")
    if kind == "element" and pk.isdigit():
        return get_object_or_404(Element.objects.select_related("version__vision"), pk=pk, version=version)
    if kind == "outcome" and pk.isdigit():
        return get_object_or_404(Outcome.objects.select_related("version__vision"), pk=pk, version=version)
    raise VisionError("Choisissez l'élément ou le changement à fonder.")


def handle_grounding_post(request, vision, version) -> str:
    post = request.POST
    if "unlink" in post:
        grounding = get_object_or_404(
            Grounding.objects.select_related("element__version", "outcome__version"), pk=post["unlink"]
        )
        target = grounding.element or grounding.outcome
        if target.version_id != version.pk:
            raise VisionError("Ce lien n'appartient pas à la version en cours de cette vision.")
        services.unground(grounding)
        return "Lien retiré."
    target = parse_target(version, post.get("target", ""))
    if "topic" in post:
        added = services.ground_topic(target, post.get("theme", ""), post["topic"], request.user)
        return f"{added} contribution(s) du sujet « {post['topic']} » liée(s) à « {target} »."
    ids = [int(pk) for pk in post.getlist("contributions") if pk.isdigit()]
    if not ids:
        raise VisionError("Cochez au moins une contribution à lier.")
    contributions = list(Contribution.objects.filter(pk__in=ids).select_related("consultation", "qpv"))
    if len(contributions) != len(set(ids)):
        raise VisionError("Une des contributions cochées n'existe plus.")
    added = services.ground(target, contributions, request.user)
    return f"{added} contribution(s) liée(s) à « {target} »."


def _topics(vision, report: dict) -> list[dict]:
    topics = report.get("topics", [])
    if not vision.qpv_id:
        return [{**topic, "count": topic["contributions"]} for topic in topics]
    unit = next(
        (u for u in report.get("units", []) if u["level"] == "qpv" and u["key"] == vision.qpv.code), None
    )
    local = (unit or {}).get("topics", {})
    result = []
    for topic in topics:
        count = local.get(f"{topic['theme']} — {topic['label']}", 0)
        if count:
            result.append({**topic, "count": count, "quotes": []})
    return sorted(result, key=lambda topic: -topic["count"])


def scope_contributions(vision):
    rows = Contribution.objects.visible().filter(consultation_id=vision.consultation_id)
    allowed = services.allowed_qpv_ids(vision)
    if allowed is not None:
        rows = rows.filter(qpv_id__in=allowed)
    return rows


def grounding_context(request, vision, version, page_size: int) -> dict:
    content = reading.version_content(version)
    context = {"vision": vision, "version": version, "content": content, "nav": "visions"}
    if not vision.consultation_id:
        return context
    consultation = vision.consultation
    run = consultation.analyses.order_by("-created_at").first()
    report = run.report if run else {}
    rows = scope_contributions(vision)
    theme, audience, query = (
        request.GET.get("theme", ""),
        request.GET.get("public", ""),
        request.GET.get("q", ""),
    )
    linked = request.GET.get("lie", "")
    if theme:
        rows = rows.filter(tags__theme__name=theme)
    if audience in Audience.values:
        rows = rows.filter(audience=audience)
    if query:
        rows = rows.filter(text__icontains=query[:100])
    target = None
    if linked:
        try:
            target = parse_target(version, linked)
        except VisionError:  # a malformed « lie » is ignored, the list is shown unfiltered
            linked = ""
    if target is not None:
        rows = rows.filter(
            **{f"groundings__{'element' if isinstance(target, Element) else 'outcome'}": target}
        )
    rows = (
        rows.select_related("qpv")
        .prefetch_related(Prefetch("tags", queryset=ContributionTag.objects.select_related("theme")))
        .order_by("-pk")
    )
    page = IdFirstPaginator(rows, page_size).get_page(request.GET.get("page"))
    feeding = reading.contributions_feeding([c.pk for c in page])
    groundings = {}
    if target is not None:
        field = "element" if isinstance(target, Element) else "outcome"
        groundings = dict(
            Grounding.objects.filter(**{field: target}, contribution__in=[c.pk for c in page]).values_list(
                "contribution_id", "pk"
            )
        )
    for contribution in page:
        contribution.feeds = feeding.get(contribution.pk, [])
        contribution.grounding_pk = groundings.get(contribution.pk)
    synthesis = Synthesis.objects.filter(consultation=consultation, qpv_id=vision.qpv_id).first()
    params = request.GET.copy()
    params.pop("page", None)
    context.update(
        {
            "consultation": consultation,
            "run": run,
            "topics": _topics(vision, report)[:40],
            "synthesis": synthesis,
            "page": page,
            "themes": list(consultation.themes.values_list("name", flat=True)),
            "audiences": Audience.choices,
            "filters": {"theme": theme, "public": audience, "q": query, "lie": linked},
            "linked_target": target,
            "query": params.urlencode(),
            "full_query": request.GET.urlencode(),
        }
    )
    return context

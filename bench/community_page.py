"""Benchmark of the pages of one large community of action, server-side.

Issue target: a community page with 200 members, 500 meetings and 2,000 decisions renders with a constant
number of SQL queries and paginated lists; p95 ≤ 100 ms server-side.

What is measured: `django.test.Client.get()` on the community pages, i.e. the whole server-side path run
in-process (middleware, session and user lookup, permission check, queries, template rendering), without
network or browser. The user animates the community's EPCI, so the pages show everything a backbone sees
(forms included). Pages: the detail page; the network drawing it loads apart through htmx
(`network_fragment`, with the `HX-Request` header; the warm-up request computes and caches the layout, so the
timed requests are cache hits, and `detail_parts.network_svg_cold_ms` gives the cost of a miss); decisions
pages 1 and 30; the chronology's first page and an older one (`?avant=2024-01-01`); the HTML fiche; a past
meeting with its 200-member attendance sheet. Each page is requested once to warm up, once with
`CaptureQueriesContext` (query count, SQL time), then `--repeat` times without it for the wall times. The PDF
fiche is measured apart, `--pdf-repeat` times, and is not part of `worst_p95_ms`. The same pages of a small
community (10 members, 10 meetings, 10 decisions) are requested once to compare the query counts.

Data: the national data set (`cooperer generate-national`, docs/national-dataset.md): its EPCI of the
animatrice (`national.bench_targets()`), her account (`animation` on that EPCI), its first QPV and the first
200 structures of the EPCI. Its communities hold memberships only, so the script plants, on top of it
(not timed): a community with 200 current members, 3 instances, 500 meetings over 2022–2027 (some still to
come), 2,000 decisions (most taken at a meeting, some linked to actions or to a roadmap version), 300 ideas,
3 roadmap versions (1 replaced, 1 adopted, 1 draft; all adopted ones show who adopted them) of 3 axes × 4
actions, 20 workshops, the attendance of the 200 members at 50 past meetings, 2 phase changes, `--links`
cooperation links between members (the network fragment draws them) and offers and needs for the members (the
complementarity matrix reads them). Everything planted, and every write of the pages requested, is made in one
transaction rolled back at the end: the national database is left as it was.

Database: DATABASE_URL (PostgreSQL), or the SQLite file of COOPERER_VAR_DIR (`--var-dir`, by default
var/national), as bench/pages.py. An empty database is first filled with `generate-national --scale --seed`
(timed apart, `national_generation_s`); a filled one is used as it is.

Run: PYTHONPATH=. .venv/bin/python bench/community_page.py --var-dir var/national [--repeat 40] [--pdf-repeat 5]
         [--links 600] [--seed 42]
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/cooperer_national PYTHONPATH=. .venv/bin/python \
         bench/community_page.py
Prints one JSON object on stdout; progress goes to stderr.
"""

import argparse
import datetime
import json
import os
import random
import sys
import time

from common import (
    ROOT,
    add_national_arguments,
    captured_get,
    machine,
    median_ms,
    open_national,
    page_figures,
    planted,
    timed_gets,
)

TARGET_MS = 100
LARGE = {
    "members": 200,
    "meetings": 500,
    "decisions": 2000,
    "ideas": 300,
    "roadmaps": 3,
    "axes": 3,
    "actions": 4,
    "workshops": 20,
    "attended_meetings": 50,
}
SMALL = {
    "members": 10,
    "meetings": 10,
    "decisions": 10,
    "ideas": 10,
    "roadmaps": 1,
    "axes": 1,
    "actions": 1,
    "workshops": 2,
    "attended_meetings": 2,
}
FIRST_MEETING = datetime.date(2022, 1, 1)
LAST_MEETING = datetime.date(2027, 12, 31)
RESOURCES = ["competences", "locaux", "benevoles", "financement", "materiel", "reseau", "publics"]
LINK_KINDS = ["partenariat", "orientation", "cofinancement", "mutualisation", "reseau", "coportage"]
LEVELS = ["information", "consultation", "coordination", "cooperation", "coconstruction"]
IDEA_STATUSES = ["nouvelle", "etude", "retenue", "realisee", "ecartee"]
ACTION_STATUSES = ["prevue", "en_cours", "realisee", "abandonnee"]
TOPICS = [
    "l'accueil des jeunes le samedi", "le chantier éducatif de l'été", "la fête de quartier",
    "le local partagé rue de Illzach", "les permanences d'accès aux droits", "le budget participatif",
    "la charte de coopération", "le forum des associations", "l'aide aux devoirs", "les sorties familles",
    "le tournoi inter-quartiers", "la communication commune", "l'évaluation à mi-parcours",
]  # fmt: skip


def log(message: str) -> None:
    print(f"[bench community_page] {message}", file=sys.stderr, flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Mesure les pages d'une grande communauté d'action.")
    parser.add_argument("--repeat", type=int, default=40, help="requêtes mesurées par page (défaut 40)")
    parser.add_argument("--pdf-repeat", type=int, default=5, help="générations de la fiche PDF (défaut 5)")
    parser.add_argument("--links", type=int, default=600, help="liens de coopération entre membres")
    parser.add_argument("--seed", type=int, default=42, help="graine du générateur aléatoire")
    add_national_arguments(parser, str(ROOT / "var" / "national"))
    args = parser.parse_args()
    if args.repeat < 1 or args.pdf_repeat < 1 or args.links < 0:
        parser.error("--repeat >= 1, --pdf-repeat >= 1 et --links >= 0 sont attendus.")
    return args


def at_evening(day: datetime.date, hour: int = 18):
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def random_day(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


class Builder:
    """The communities planted on the national data set, written with bulk_create."""

    def __init__(self, seed: int):
        from django.utils import timezone

        from cooperer.accounts.models import User
        from cooperer.actors.models import Structure
        from cooperer.core import national

        targets = national.bench_targets()
        self.rng = random.Random(seed)
        self.today = timezone.localdate()
        self.epci, self.qpv = targets["epci"], targets["qpv"]
        self.user = User.objects.get(username=targets["accounts"]["animatrice"])
        self.structures = list(Structure.objects.filter(commune__epci=self.epci).order_by("pk"))

    def members(self, count: int) -> list:
        """The first `count` structures of the EPCI, with offers and needs (the national set gives none)."""
        from cooperer.actors.models import Structure

        if len(self.structures) < count:
            raise SystemExit(
                f"L'EPCI {self.epci} n'a que {len(self.structures)} structures ({count} attendues) : "
                "générez le jeu national à une échelle plus grande (--scale)."
            )
        self.structures = self.structures[:count]
        for structure in self.structures:
            structure.offers = self.rng.sample(RESOURCES, k=self.rng.randint(0, 3))
            structure.needs = self.rng.sample(RESOURCES, k=self.rng.randint(0, 2))
        Structure.objects.bulk_update(self.structures, ["offers", "needs"])
        return self.structures

    def links(self, structures: list, count: int) -> None:
        from cooperer.actors.models import CooperationLink

        rng = self.rng
        rows = []
        for _ in range(count):
            source, target = rng.sample(structures, 2)
            start = random_day(rng, datetime.date(2020, 1, 1), datetime.date(2026, 6, 30))
            end = start + datetime.timedelta(days=rng.randint(180, 900)) if rng.random() < 0.3 else None
            rows.append(
                CooperationLink(
                    source=source, target=target, kind=rng.choice(LINK_KINDS), start=start, end=end,
                    description="Lien fictif du banc d'essai", is_demo=True,
                )
            )  # fmt: skip
        CooperationLink.objects.bulk_create(rows, batch_size=2000)

    def community(self, name: str, size: dict) -> dict:
        """A community of `size` and all that goes with it; returns the community and a meeting to show."""
        from cooperer.communities.models import (
            Attendance,
            Axis,
            Community,
            Decision,
            Idea,
            Instance,
            Meeting,
            Membership,
            PhaseTransition,
            PlannedAction,
            RoadmapVersion,
            Workshop,
        )

        rng, today = self.rng, self.today
        members = self.structures[: size["members"]]
        community = Community.objects.create(
            name=name, epci=self.epci, objective="L'engagement des jeunes dans la vie de leur quartier",
            needs=["locaux", "benevoles", "competences", "financement"], backbone=members[0],
            trinome_state=members[1 % len(members)], trinome_local_authority=members[2 % len(members)],
            trinome_civil_society=members[3 % len(members)], sdgs=[4, 10, 11], programme="AMI Fonda–RNMA 2022",
            backbone_missions={"Faciliter la vision commune": True, "Mobiliser les financements": False},
            phase="structuration", started_on=datetime.date(2021, 9, 1), is_demo=True,
        )  # fmt: skip
        community.qpvs.set([self.qpv])
        PhaseTransition.objects.bulk_create(
            [
                PhaseTransition(community=community, phase="prefiguration", on=datetime.date(2021, 9, 1),
                                justification="Lancement après le diagnostic partagé.", recorded_by=self.user),
                PhaseTransition(community=community, phase="structuration", on=datetime.date(2023, 3, 1),
                                justification="Feuille de route adoptée, instances en place.", recorded_by=self.user),
            ]
        )  # fmt: skip
        memberships = Membership.objects.bulk_create(
            [
                Membership(
                    community=community,
                    structure=structure,
                    role="soutien" if index == 0 else rng.choice(["membre"] * 9 + ["observateur"]),
                    level=rng.choice(LEVELS),
                    contribution=rng.choice(["", "Animation", "Un local le mercredi", "Des bénévoles"]),
                    joined_on=random_day(rng, datetime.date(2021, 1, 1), datetime.date(2021, 12, 31)),
                )
                for index, structure in enumerate(members)
            ]
        )
        instances = Instance.objects.bulk_create(
            [
                Instance(community=community, kind="copil", name=f"COPIL — {name}"),
                Instance(community=community, kind="cotech", name=f"Comité technique — {name}"),
                Instance(community=community, kind="pleniere", name=f"Plénière — {name}"),
            ]
        )
        days = sorted(random_day(rng, FIRST_MEETING, LAST_MEETING) for _ in range(size["meetings"]))
        if days[-1] <= today:  # at least one meeting to come, whatever the size
            days[-1] = today + datetime.timedelta(days=30)
        meetings = Meeting.objects.bulk_create(
            [
                Meeting(
                    instance=rng.choice(instances),
                    starts_at=at_evening(day, rng.choice([9, 14, 18])),
                    place=rng.choice(["Maison de quartier", "Salle des fêtes", "Visioconférence"]),
                    agenda=f"1. Point sur {rng.choice(TOPICS)}\n2. Questions diverses",
                    minutes="Compte rendu diffusé aux membres." if day <= today else "",
                    convened_at=at_evening(day - datetime.timedelta(days=15)) if rng.random() < 0.8 else None,
                )
                for day in days
            ]
        )
        past = [m for m, day in zip(meetings, days, strict=True) if day <= today]
        past_by_instance = {i.pk: [m for m in past if m.instance_id == i.pk] for i in instances}
        roadmaps, actions = [], []
        for number in range(1, size["roadmaps"] + 1):
            adopted = number < size["roadmaps"] or size["roadmaps"] == 1
            # the latest adopted version is « adoptée », the ones before it « remplacée » (adopt_roadmap's rule)
            status = (
                "brouillon" if not adopted else "adoptee" if number >= size["roadmaps"] - 1 else "remplacee"
            )
            roadmap = RoadmapVersion.objects.create(
                community=community, number=number, status=status,
                summary=f"Version {number} de la feuille de route.",
                adopted_on=datetime.date(2022 + number, 3, 1) if adopted else None,
                adopted_by=instances[2] if adopted else None,
            )  # fmt: skip
            roadmaps.append(roadmap)
            axes = Axis.objects.bulk_create(
                [
                    Axis(roadmap=roadmap, title=f"Axe {a + 1} : {TOPICS[a]}", order=a)
                    for a in range(size["axes"])
                ]
            )
            created = PlannedAction.objects.bulk_create(
                [
                    PlannedAction(
                        axis=axis,
                        title=f"Action {a + 1} — {rng.choice(TOPICS)}",
                        lead=rng.choice(members),
                        status=rng.choice(ACTION_STATUSES),
                        outcomes="Résultats attendus à préciser.",
                    )
                    for axis in axes
                    for a in range(size["actions"])
                ]
            )
            PlannedAction.partners.through.objects.bulk_create(
                [
                    PlannedAction.partners.through(plannedaction_id=action.pk, structure_id=partner.pk)
                    for action in created
                    for partner in rng.sample(members, k=min(2, len(members)))
                ]
            )
            actions += created
        decisions = []
        for _ in range(size["decisions"]):
            instance = rng.choice(instances)
            meeting = rng.choice(past_by_instance[instance.pk]) if past_by_instance[instance.pk] else None
            if meeting is None or rng.random() < 0.2:
                meeting, day = None, random_day(rng, FIRST_MEETING, today)
            else:
                day = meeting.starts_at.date()
            decisions.append(
                Decision(
                    community=community,
                    instance=instance,
                    meeting=meeting,
                    decided_on=day,
                    text=f"La communauté décide de lancer {rng.choice(TOPICS)} et d'en confier le suivi au "
                    f"comité technique ; bilan à la prochaine plénière.",
                    roadmap=rng.choice(roadmaps) if rng.random() < 0.05 else None,
                )
            )
        decisions = Decision.objects.bulk_create(decisions, batch_size=1000)
        Decision.actions.through.objects.bulk_create(
            [
                Decision.actions.through(decision_id=decision.pk, plannedaction_id=action.pk)
                for decision in rng.sample(decisions, k=len(decisions) // 7)
                for action in rng.sample(actions, k=min(2, len(actions)))
            ],
            batch_size=2000,
        )
        Idea.objects.bulk_create(
            [
                Idea(
                    community=community,
                    text=f"Et si l'on organisait {rng.choice(TOPICS)} avec les habitants ?",
                    raised_at=rng.choice(past) if past and rng.random() < 0.6 else None,
                    raised_on=random_day(rng, FIRST_MEETING, today),
                    status=rng.choice(IDEA_STATUSES),
                    follow_up="À étudier en comité technique." if rng.random() < 0.3 else "",
                )
                for _ in range(size["ideas"])
            ],
            batch_size=1000,
        )
        Workshop.objects.bulk_create(
            [
                Workshop(
                    community=community,
                    title=f"Atelier {w + 1} : {rng.choice(TOPICS)}",
                    held_on=random_day(rng, FIRST_MEETING, today),
                    objectives="Se connaître, produire ensemble.",
                    facilitator="Fonction de soutien",
                    attendance=rng.randint(8, 60),
                    outputs="Une carte des ressources du quartier.",
                )
                for w in range(size["workshops"])
            ]
        )
        attended = rng.sample(past, k=min(size["attended_meetings"], len(past)))
        Attendance.objects.bulk_create(
            [
                Attendance(meeting=meeting, membership=membership, present=rng.random() < 0.6)
                for meeting in attended
                for membership in memberships
            ],
            batch_size=5000,
        )
        shown = max(attended, key=lambda m: m.starts_at) if attended else meetings[0]
        return {"community": community, "meeting": shown}


HTMX = {"HX-Request": "true"}  # what htmx sends: the network view answers with the fragment alone


def pages(community, meeting) -> list[tuple[str, str, dict, dict]]:
    """(name, url, query parameters, request headers) of each page measured."""
    from django.urls import reverse

    pk = community.pk
    return [
        ("detail", reverse("communities:detail", args=[pk]), {}, {}),
        ("network_fragment", reverse("communities:network", args=[pk]), {}, HTMX),
        ("decisions_page_1", reverse("communities:decisions", args=[pk]), {}, {}),
        ("decisions_page_30", reverse("communities:decisions", args=[pk]), {"page": 30}, {}),
        ("timeline", reverse("communities:timeline", args=[pk]), {}, {}),
        ("timeline_older_page", reverse("communities:timeline", args=[pk]), {"avant": "2024-01-01"}, {}),
        ("fiche_html", reverse("communities:fiche", args=[pk]), {}, {}),
        ("meeting", reverse("communities:meeting", args=[meeting.pk]), {}, {}),
    ]


def measure(client, name: str, url: str, params: dict, headers: dict, repeat: int) -> dict:
    client.get(url, params, headers=headers)  # warm-up: templates, connection, query plans, cached drawing
    response, queries, _ = captured_get(client, url, params, headers)
    result = page_figures(response, queries, timed_gets(client, url, params, headers, repeat))
    top = max(queries, key=lambda query: query["ms"], default={"ms": 0.0, "sql": ""})
    result.update(slowest_query_ms=round(top["ms"], 1), slowest_query=top["sql"][:120])
    log(f"  {name}: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, {result['queries']} requêtes SQL "
        f"({result['sql_ms']} ms), {result['kb']} ko")  # fmt: skip
    return result


def query_counts(client, page_list) -> dict:
    return {
        name: len(captured_get(client, url, params, headers)[1]) for name, url, params, headers in page_list
    }


def check_pages(client, large: dict) -> dict:
    """What the pages show is what was generated: paginated lists, not everything at once."""
    import re

    from django.urls import reverse

    community = large["community"]
    detail = client.get(reverse("communities:detail", args=[community.pk])).content.decode()
    decisions = client.get(
        reverse("communities:decisions", args=[community.pk]), {"page": 30}
    ).content.decode()
    timeline = client.get(reverse("communities:timeline", args=[community.pk])).content.decode()
    network = client.get(reverse("communities:network", args=[community.pk]), headers=HTMX).content.decode()
    caption = re.search(r"Membres actuels \((\d+)\)", detail)
    older = re.search(r'\?avant=(\d{4}-\d{2}-\d{2})"', timeline)
    return {
        "detail_member_rows": detail.count("/depart/"),
        "detail_members_caption": int(caption.group(1)) if caption else None,
        # member table: 6 header cells; matrix: « Besoin », one per member, « Membres qui l'offrent »
        "detail_matrix_member_columns": detail.count('<th scope="col"') - 6 - 2,
        "detail_has_svg": "<svg" in detail,
        "detail_loads_network_with_htmx": 'hx-get="' + reverse("communities:network", args=[community.pk])
        in detail,
        "network_fragment_nodes": network.count("<circle"),
        "decisions_page_30_rows": decisions.count("<tr>") - 1,
        "decisions_page_30_label": "Page 30 sur 40" in decisions,
        "timeline_events": timeline.count("<time "),
        "timeline_older_link": older.group(1) if older else None,
    }


def detail_parts(community) -> dict:
    """Median time of the heaviest steps, called directly (the rest is queries and template).

    `network_svg_cold_ms` is the network fragment's work when the drawing is not cached (first view after
    a change of members or links): the layout and the SVG template; `network_svg_cached_ms` on a cache hit."""
    from django.core.cache import cache

    from cooperer.actors.network import drawing, load_network
    from cooperer.communities import services
    from cooperer.communities.network import member_network_svg

    structure_ids = list(community.memberships.current().values_list("structure_id", flat=True))
    ids = list(community.memberships.current().values_list("pk", flat=True))
    network = load_network(structure_ids=structure_ids)

    def cold():
        cache.clear()
        member_network_svg(community)

    members = services.member_rows(community.memberships.current().filter(pk__in=ids[:50]))
    return {
        "load_network_ms": median_ms(lambda: load_network(structure_ids=structure_ids)),
        "drawing_force_layout_ms": median_ms(lambda: drawing(network, width=640, height=420)),
        "drawn_nodes": len(drawing(network, width=640, height=420)["nodes"]),
        "network_svg_cold_ms": median_ms(cold, runs=5),
        "network_svg_cached_ms": median_ms(lambda: member_network_svg(community)),
        "complementarity_matrix_page_ms": median_ms(
            lambda: services.complementarity_matrix(community, members)
        ),
        "complementarity_matrix_all_ms": median_ms(lambda: services.complementarity_matrix(community)),
    }


def main() -> None:
    args = parse_args()
    load_before = round(os.getloadavg()[0], 2)
    figures = open_national(args, log)

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    with planted():
        began = time.perf_counter()
        builder = Builder(args.seed)
        members = builder.members(LARGE["members"])
        builder.links(members, args.links)
        log(f"grande communauté plantée sur {builder.epci} (annulée à la fin)")
        large = builder.community("Communauté d'action jeunesse (fictif)", LARGE)
        log("petite communauté plantée")
        small = builder.community("Petite communauté (fictif)", SMALL)
        generation_s = time.perf_counter() - began
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # inside the transaction: it sees the planted rows
        log(f"  objets plantés en {generation_s:.1f} s")

        from cooperer.communities.models import Attendance, Decision, Meeting, Membership

        client = Client(SERVER_NAME="localhost")  # an allowed host, no test environment needed
        client.force_login(builder.user)
        large_pages = pages(large["community"], large["meeting"])
        small_pages = pages(small["community"], small["meeting"])

        log(f"grande communauté : {args.repeat} requêtes par page")
        per_page = {
            name: measure(client, name, url, params, headers, args.repeat)
            for name, url, params, headers in large_pages
        }
        fiche_url = reverse("communities:fiche", args=[large["community"].pk])
        log(f"fiche PDF : {args.pdf_repeat} générations")
        per_page["fiche_pdf"] = measure(
            client, "fiche_pdf", fiche_url, {"format": "pdf"}, {}, args.pdf_repeat
        )

        log("petite communauté : nombre de requêtes SQL")
        small_counts = query_counts(
            client,
            [
                *small_pages,
                (
                    "fiche_pdf",
                    reverse("communities:fiche", args=[small["community"].pk]),
                    {"format": "pdf"},
                    {},
                ),
            ],
        )
        queries_small_vs_large = {
            name: {"small": small_counts[name], "large": per_page[name]["queries"]} for name in per_page
        }
        constant = all(pair["small"] == pair["large"] for pair in queries_small_vs_large.values())
        log("détail : étapes les plus lourdes, mesurées à part")
        parts = detail_parts(large["community"])
        html = {name: r for name, r in per_page.items() if name != "fiche_pdf"}
        worst_page = max(html, key=lambda name: html[name]["p95_ms"])
        worst_p95 = html[worst_page]["p95_ms"]
        community = large["community"]
        result = {
            "bench": "community_page",
            "members": Membership.objects.filter(community=community, left_on__isnull=True).count(),
            "meetings": Meeting.objects.filter(instance__community=community).count(),
            "decisions": Decision.objects.filter(community=community).count(),
            "ideas": community.ideas.count(),
            "attendances": Attendance.objects.filter(meeting__instance__community=community).count(),
            "cooperation_links": args.links,
            "epci": builder.epci.name,
            "database": connection.vendor,
            "page_cache": settings.COOPERER_PAGE_CACHE,
            "per_page": per_page,
            "queries_small_vs_large": queries_small_vs_large,
            "queries_constant": constant,
            "checks": check_pages(client, large),
            "detail_parts": parts,
            "worst_p95_ms": worst_p95,
            "worst_page": worst_page,
            "pdf_p95_ms": per_page["fiche_pdf"]["p95_ms"],
            "target_ms": TARGET_MS,
            "meets_target": worst_p95 <= TARGET_MS and constant,
            "repeat": args.repeat,
            "pdf_repeat": args.pdf_repeat,
            "generation_s": round(generation_s, 1),
            **figures,
            **machine(load_before, args.seed),
        }
        print(json.dumps(result, ensure_ascii=False))
    log("objets plantés annulés (rollback)")


if __name__ == "__main__":
    main()

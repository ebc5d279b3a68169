"""The shared taxonomy of levers and obstacles, with the national defaults named by the field's networks
(La Fonda, RNMA, the Quartiers à Impact Collectif): a record chooses among them, so that what helps and what
hinders can be counted across territories. Animatrices may add words; the defaults come back if deleted."""

from django.db.models import Count, Q

from cooperer.knowledge.enums import FactorKind, RecordStatus

DEFAULTS = [
    ("Confiance", "La confiance entre acteurs, entre institutions et associations, avec les habitants."),
    ("Temps", "Le temps long de l'interconnaissance et de la coopération, ou son manque."),
    ("Posture de la collectivité", "Une collectivité qui anime et laisse faire, ou qui décide seule."),
    ("Concurrence pour les financements", "Des structures qui se disputent les mêmes crédits."),
    ("Turnover des professionnels", "Les départs qui emportent la mémoire et les relations."),
    ("Interconnaissance", "Se connaître, savoir qui fait quoi, repérer les complémentarités."),
    ("Gouvernance partagée", "Des instances où chacun décide, un trinôme, un comité technique."),
    ("Participation des habitants", "Les habitants associés comme partie de la solution."),
    ("Financement pluriannuel", "Des crédits sur plusieurs années qui laissent le temps d'agir."),
    ("Fonction de soutien", "Une personne ou une structure qui anime, relance et outille."),
    ("Vision commune", "Un objectif partagé, une boussole pour tout le monde."),
    ("Reconnaissance institutionnelle", "La méthode inscrite au contrat de ville, dans la CTG de la CAF."),
    ("Mobilisation des jeunes", "Aller chercher les jeunes concernés, thème par thème."),
    ("Communication", "Une communication permanente entre partenaires et vers les habitants."),
]


def ensure_defaults() -> int:
    """Creates the national levers and obstacles that are missing; returns how many were created."""
    from cooperer.knowledge.models import Factor

    existing = set(Factor.objects.values_list("name", flat=True))
    missing = [
        Factor(name=name, description=description, is_national=True)
        for name, description in DEFAULTS
        if name not in existing
    ]
    Factor.objects.bulk_create(missing)
    return len(missing)


def on_post_migrate(sender, using="default", **kwargs) -> None:
    ensure_defaults()


def most_cited(limit: int = 10) -> list[dict]:
    """The levers and obstacles the published records cite most, each with the number of records and of
    territories citing it as a lever and as an obstacle: one grouped query whatever the number of records."""
    from cooperer.knowledge.models import RecordFactor

    published = RecordFactor.objects.filter(record__status=RecordStatus.PUBLISHED)
    rows = (
        published.values("factor_id", "factor__name")
        .annotate(
            levers=Count("record", filter=Q(kind=FactorKind.LEVER), distinct=True),
            obstacles=Count("record", filter=Q(kind=FactorKind.OBSTACLE), distinct=True),
            territories=Count("record__epci", distinct=True),
            total=Count("record", distinct=True),
        )
        .order_by("-total", "factor__name")[:limit]
    )
    return [
        {
            "id": row["factor_id"],
            "name": row["factor__name"],
            "levers": row["levers"],
            "obstacles": row["obstacles"],
            "territories": row["territories"],
            "total": row["total"],
        }
        for row in rows
    ]


def chart(rows: list[dict], width: int = 640) -> dict:
    """SVG geometry of the most-cited levers and obstacles: two bars per word (lever, obstacle), the numbers
    of the table that goes with it."""
    bar, gap, label_width = 12, 10, 250
    biggest = max((max(r["levers"], r["obstacles"]) for r in rows), default=1) or 1
    scale = (width - label_width - 40) / biggest
    out, y = [], 10
    for row in rows:
        out.append(
            {
                **row,
                "y": y,
                "label_y": y + bar + 4,
                "bars": [
                    {
                        "kind": "Levier",
                        "css": "chart-bar--levier",
                        "n": row["levers"],
                        "x": label_width,
                        "y": y,
                        "width": round(scale * row["levers"], 1),
                    },
                    {
                        "kind": "Frein",
                        "css": "chart-bar--frein",
                        "n": row["obstacles"],
                        "x": label_width,
                        "y": y + bar,
                        "width": round(scale * row["obstacles"], 1),
                    },
                ],
            }
        )
        y += 2 * bar + gap
    return {"rows": out, "height": y + 10, "width": width}

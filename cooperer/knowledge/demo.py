"""The demo's initiative records, both fictional and marked so: the Mulhouse youth community's (two years of
interconnaissance, three axes, the idea of assises de la jeunesse) and the Quartiers Sud-Est one (a crisis, a
shared diagnosis, competing associations turned into a consortium). Each is started from its demo community,
as a writer would, then submitted and published by the animation of its territory."""

from django.contrib.auth import get_user_model
from django.db import transaction

from cooperer.communities.demo import MULHOUSE_NAME, SUD_EST_NAME
from cooperer.communities.models import Community
from cooperer.knowledge import services
from cooperer.knowledge.enums import FactorKind, Licence
from cooperer.knowledge.factors import ensure_defaults
from cooperer.knowledge.models import Factor, Record

MULHOUSE_WRITER = "coordinateur.mulhouse@demo.cooperer.fr"
SAINT_ETIENNE_WRITER = "animatrice.saint-etienne@demo.cooperer.fr"
L, F = FactorKind.LEVER, FactorKind.OBSTACLE

# fmt: off
RECORDS = [
    {
        "community": MULHOUSE_NAME, "writer": MULHOUSE_WRITER, "licence": Licence.OPEN,
        "title": "Mulhouse : deux ans d'interconnaissance pour l'engagement des jeunes (fiche fictive)",
        "summary": "Le Carré des associations a réuni l'État, la CAF et des associations de terrain. Ils ont pris deux ans pour se connaître et repérer leurs complémentarités, puis se sont donné un objectif commun, l'engagement des jeunes, et une feuille de route en trois axes.",
        "context": "Une pléthore d'initiatives pour les jeunes dans les quartiers de Mulhouse, mais peu de liens entre elles : des expérimentations qui s'essoufflaient faute de méthode. Réponse à l'AMI de La Fonda et du RNMA (Faire ensemble 2030) en 2022.",
        "method": "Une communauté d'action : préfiguration (se connaître), structuration (un objectif et une feuille de route), pérennisation (inscrire la méthode dans les politiques publiques). Un comité technique se réunit régulièrement ; les idées nouvelles y apparaissent.",
        "results_extra": "Trois axes adoptés : l'animation de rue avec une définition partagée, un tiers-lieu jeunesse, l'essaimage des outils de la méthode. L'idée d'assises de la jeunesse est née au comité technique. La méthode est inscrite au contrat de ville comme condition pour répondre aux appels à projets, et dans la CTG de la CAF ; des postes de coordinateurs jeunesse deviennent des coordinateurs de coopération.",
        "lessons": "Prendre le temps de l'interconnaissance avant d'agir : deux ans n'ont pas été du temps perdu. Une définition partagée (l'animation de rue) vaut mieux qu'une action de plus. Inscrire la méthode dans les documents des financeurs la fait durer au-delà des personnes.",
        "factors": [
            ("Interconnaissance", L, "Deux ans de rencontres avant la feuille de route."),
            ("Temps", L, "Le temps long accepté par les financeurs."),
            ("Fonction de soutien", L, "Le Carré des associations anime et relance."),
            ("Reconnaissance institutionnelle", L, "Contrat de ville et CTG de la CAF."),
            ("Vision commune", L, "L'engagement des jeunes, choisi ensemble."),
            ("Turnover des professionnels", F, "Des départs dans les structures qui obligent à refaire les présentations."),
            ("Temps", F, "Des bénévoles qui s'épuisent entre deux réunions."),
        ],
    },
    {
        "community": SUD_EST_NAME, "writer": SAINT_ETIENNE_WRITER, "licence": Licence.CC_BY_SA,
        "title": "Quartiers Sud-Est : d'associations concurrentes à un consortium (fiche fictive)",
        "summary": "Après une crise dans le quartier, un diagnostic partagé avec les habitants et les professionnels, séparément puis ensemble, a montré que plusieurs associations se disputaient les mêmes jeunes et les mêmes crédits. Elles portent aujourd'hui un projet commun, en consortium.",
        "context": "Quartiers Sud-Est, Saint-Étienne, pilote Quartiers à Impact Collectif depuis 2022. Une crise (tensions entre jeunes, un équipement fermé) et des projets qui se faisaient concurrence : des structures, au lieu de coopérer, cherchaient à capter les financements.",
        "method": "Des séances de concertation séparées pour les habitants et pour les professionnels autour d'une question mobilisatrice : « Comment voulons-nous que notre quartier soit en 2030 ? ». Une vision partagée, boussole pour tout le monde, puis une instruction commune des demandes par les financeurs qui repère les demandes concurrentes et propose un consortium.",
        "results_extra": "Un consortium de trois associations pour l'accueil des jeunes le soir, au lieu de trois demandes concurrentes. Un trinôme État, ville et centre social anime la démarche. La vision du quartier est inscrite au contrat de ville.",
        "lessons": "Le diagnostic partagé rend visible la concurrence sans accuser personne. La vision du quartier permet de refuser un projet qui s'en écarte, et de le dire. Aller chercher les jeunes concernés, thème par thème, plutôt que des instances usées.",
        "factors": [
            ("Concurrence pour les financements", F, "Trois demandes pour les mêmes jeunes, le même soir."),
            ("Confiance", F, "Une méfiance entre associations au départ de la crise."),
            ("Participation des habitants", L, "Des séances d'habitants à part, puis des restitutions communes."),
            ("Vision commune", L, "Une boussole pour accepter ou refuser les projets."),
            ("Gouvernance partagée", L, "Le trinôme État, collectivité, association."),
            ("Posture de la collectivité", L, "La ville anime sans décider seule."),
            ("Mobilisation des jeunes", L, "Aller chercher les jeunes concernés."),
        ],
    },
]
# fmt: on


def clear_demo_records() -> None:
    Record.objects.filter(is_demo=True).delete()


@transaction.atomic
def load_demo_records() -> list[Record]:
    """(Re)creates the two demo records; running it twice gives the same data. Needs the demo communities
    and accounts (it makes nothing without them)."""
    clear_demo_records()
    ensure_defaults()
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=[MULHOUSE_WRITER, SAINT_ETIENNE_WRITER])
    }
    factors = {f.name: f for f in Factor.objects.all()}
    made = []
    for data in RECORDS:
        community = Community.objects.filter(name=data["community"], is_demo=True).first()
        writer = users.get(data["writer"])
        if community is None or writer is None:
            continue
        record = services.start_from_community(community, writer)
        record.title, record.summary, record.licence = data["title"], data["summary"], data["licence"]
        record.context, record.method, record.lessons = data["context"], data["method"], data["lessons"]
        record.results = "\n".join(part for part in (data["results_extra"], record.results) if part)
        record.is_demo = True
        record.save()
        services.set_factors(
            record, [(factors[name].pk, kind, comment) for name, kind, comment in data["factors"]]
        )
        services.refresh_search_text(record)
        services.submit(record, writer)
        made.append(services.publish(record, writer))
    return made

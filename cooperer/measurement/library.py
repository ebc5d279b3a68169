"""The national default indicators, shared by every territory (each territory adds its own).

Context indicators name the columns under which INSEE (« Données sur les quartiers de la politique de la ville »)
and the ONPV publish them, so that the importer recognises a table without a data dictionary; any other column is
read when a dictionary names it."""

from dataclasses import dataclass, field

from cooperer.measurement.enums import Disaggregation, IndicatorKind, Periodicity, Polarity, Unit

INSEE = "INSEE, recensement de la population et Filosofi, sur les périmètres QPV 2024"
CAF = "CNAF, allocataires au 31 décembre, sur les périmètres QPV 2024"
BILANS = "Bilans des actions financées (déclaratif, approuvé par le financeur)"
PLATFORM = "Calculé par Coopérer à partir de ses propres données"
SEXE_AGE_QPV = [Disaggregation.SEX, Disaggregation.AGE, Disaggregation.RESIDENCE]


@dataclass(frozen=True)
class Default:
    code: str
    name: str
    kind: str
    unit: str
    polarity: str = Polarity.NEUTRAL
    definition: str = ""
    source: str = ""
    periodicity: str = Periodicity.ANNUAL
    disaggregations: list = field(default_factory=list)
    comparability_note: str = ""
    additive: bool = True
    maximum: int | None = None
    aliases: tuple = ()


CONTEXT_NOTE = (
    "Périmètres QPV 2024 : les valeurs ne se comparent pas directement à celles des QPV 2015 (périmètres et "
    "millésimes différents)."
)

DEFAULTS = [
    Default(
        "population", "Population municipale", IndicatorKind.CONTEXT, Unit.PEOPLE, Polarity.NEUTRAL,
        "Nombre d'habitants du quartier (population municipale).", INSEE, Periodicity.CENSUS,
        comparability_note=CONTEXT_NOTE, additive=True,
        aliases=("popmuniqpv", "pop_muni", "population", "pop_mun", "popmun", "pmun"),
    ),
    Default(
        "indice_jeunesse", "Indice de jeunesse", IndicatorKind.CONTEXT, Unit.RATIO, Polarity.NEUTRAL,
        "Nombre de moins de 20 ans pour une personne de 60 ans ou plus.", INSEE, Periodicity.CENSUS,
        comparability_note=CONTEXT_NOTE, additive=False, aliases=("indicejeunesse", "ind_jeunesse", "ij"),
    ),
    Default(
        "part_moins_25", "Part des moins de 25 ans", IndicatorKind.CONTEXT, Unit.PERCENT, Polarity.NEUTRAL,
        "Habitants de moins de 25 ans, en % de la population.", INSEE, Periodicity.CENSUS,
        comparability_note=CONTEXT_NOTE, additive=False, maximum=100,
        aliases=("part_moins_25", "part_0_24", "tx_moins25", "part_pop_moins25"),
    ),
    Default(
        "part_etrangers", "Part des étrangers", IndicatorKind.CONTEXT, Unit.PERCENT, Polarity.NEUTRAL,
        "Habitants de nationalité étrangère, en % de la population.", INSEE, Periodicity.CENSUS,
        comparability_note=CONTEXT_NOTE, additive=False, maximum=100, aliases=("partpopet", "part_etrangers"),
    ),
    Default(
        "part_menages_1p", "Part des ménages d'une personne", IndicatorKind.CONTEXT, Unit.PERCENT,
        Polarity.NEUTRAL, "Ménages d'une seule personne, en % des ménages.", INSEE, Periodicity.CENSUS,
        comparability_note=CONTEXT_NOTE, additive=False, maximum=100, aliases=("partmen1p",),
    ),
    Default(
        "part_menages_6p", "Part des ménages de six personnes ou plus", IndicatorKind.CONTEXT, Unit.PERCENT,
        Polarity.NEUTRAL, "Ménages de six personnes ou plus, en % des ménages.", INSEE, Periodicity.CENSUS,
        comparability_note=CONTEXT_NOTE, additive=False, maximum=100, aliases=("partmen6pp",),
    ),
    Default(
        "menages", "Nombre de ménages", IndicatorKind.CONTEXT, Unit.COUNT, Polarity.NEUTRAL,
        "Ménages résidant dans le quartier.", INSEE, Periodicity.CENSUS, comparability_note=CONTEXT_NOTE,
        aliases=("nombre_menages", "nb_menages", "menages"),
    ),
    Default(
        "logements_sociaux", "Logements sociaux", IndicatorKind.CONTEXT, Unit.COUNT, Polarity.NEUTRAL,
        "Logements du parc social situés dans le quartier.", "RPLS", Periodicity.ANNUAL,
        comparability_note=CONTEXT_NOTE, aliases=("nombre_logements_sociaux", "nb_log_soc", "logements_sociaux"),
    ),
    Default(
        "taux_emploi", "Taux d'emploi des 15-64 ans", IndicatorKind.CONTEXT, Unit.PERCENT, Polarity.UP,
        "Personnes en emploi parmi les 15-64 ans, en %.", INSEE, Periodicity.CENSUS,
        comparability_note=CONTEXT_NOTE, additive=False, maximum=100,
        aliases=("taux_d_emploi", "tx_emploi", "taux_emploi"),
    ),
    Default(
        "taux_chomage", "Taux de chômage des 15-64 ans", IndicatorKind.CONTEXT, Unit.PERCENT, Polarity.DOWN,
        "Chômeurs parmi les actifs de 15 à 64 ans, au sens du recensement, en %.", INSEE, Periodicity.CENSUS,
        comparability_note=CONTEXT_NOTE, additive=False, maximum=100,
        aliases=("taux_chomage", "tx_chom", "tx_chomage", "taux_de_chomage"),
    ),
    Default(
        "taux_pauvrete", "Taux de pauvreté au seuil de 60 %", IndicatorKind.CONTEXT, Unit.PERCENT, Polarity.DOWN,
        "Personnes vivant sous le seuil de pauvreté (60 % du niveau de vie médian national), en %.",
        "INSEE, Filosofi", Periodicity.ANNUAL, comparability_note=CONTEXT_NOTE, additive=False, maximum=100,
        aliases=("taux_pauvrete_60%", "taux_pauvrete_60", "tp60", "tx_pauv60", "taux_pauvrete"),
    ),
    Default(
        "allocataires_caf", "Allocataires de la CAF", IndicatorKind.CONTEXT, Unit.COUNT, Polarity.NEUTRAL,
        "Foyers allocataires d'au moins une prestation de la CAF.", CAF, Periodicity.ANNUAL,
        comparability_note=CONTEXT_NOTE, aliases=("allocataires_caf", "nb_alloc", "allocataires"),
    ),
    Default(
        "couverts_caf", "Personnes couvertes par la CAF", IndicatorKind.CONTEXT, Unit.COUNT, Polarity.NEUTRAL,
        "Allocataires, conjoints, enfants et autres personnes à charge.", CAF, Periodicity.ANNUAL,
        comparability_note=CONTEXT_NOTE, aliases=("personnes_couvertes_caf", "nb_pers_couv"),
    ),
    Default(
        "rsa_socle", "Allocataires du RSA socle", IndicatorKind.CONTEXT, Unit.COUNT, Polarity.DOWN,
        "Foyers allocataires percevant le RSA socle.", CAF, Periodicity.ANNUAL, comparability_note=CONTEXT_NOTE,
        aliases=("rsa_socle", "nb_rsa_socle"),
    ),
    Default(
        "personnes_touchees", "Personnes touchées", IndicatorKind.OUTPUT, Unit.PEOPLE, Polarity.UP,
        "Personnes différentes ayant participé au moins une fois à l'action sur la période.", BILANS,
        disaggregations=SEXE_AGE_QPV,
        comparability_note="Une personne venue plusieurs fois compte une fois par action.",
    ),
    Default(
        "habitants_qpv_touches", "Habitants des QPV touchés", IndicatorKind.OUTPUT, Unit.PEOPLE, Polarity.UP,
        "Personnes touchées qui résident dans un quartier prioritaire.", BILANS,
        disaggregations=[Disaggregation.SEX, Disaggregation.AGE],
    ),
    Default(
        "seances", "Séances réalisées", IndicatorKind.OUTPUT, Unit.SESSIONS, Polarity.UP,
        "Ateliers, permanences ou séances collectives réalisés.", BILANS,
    ),
    Default(
        "heures_accompagnement", "Heures d'accompagnement", IndicatorKind.OUTPUT, Unit.HOURS, Polarity.UP,
        "Heures d'accompagnement individuel ou collectif réalisées.", BILANS,
    ),
    Default(
        "partenaires_actifs", "Partenaires actifs de l'action", IndicatorKind.COOPERATION, Unit.COUNT,
        Polarity.UP, "Structures qui ont contribué à l'action sur la période (porteur compris).", BILANS,
    ),
    Default(
        "densite_reseau", "Densité du réseau de coopération", IndicatorKind.COOPERATION, Unit.PERCENT,
        Polarity.UP, "Liens de coopération existants, en % des liens possibles entre les structures du "
        "territoire.", PLATFORM, additive=False, maximum=100,
    ),
    Default(
        "demandes_multi_partenaires", "Demandes portées à plusieurs", IndicatorKind.COOPERATION, Unit.PERCENT,
        Polarity.UP, "Demandes de subvention déposées avec au moins un partenaire, en % des demandes.",
        PLATFORM, additive=False, maximum=100,
    ),
]  # fmt: skip

BY_CODE = {default.code: default for default in DEFAULTS}


def ensure_defaults() -> int:
    """Creates or updates the national indicators; returns how many were created."""
    from cooperer.measurement.models import Indicator

    existing = {i.code: i for i in Indicator.objects.national()}
    created = 0
    for default in DEFAULTS:
        fields = {
            "name": default.name, "kind": default.kind, "unit": default.unit, "polarity": default.polarity,
            "definition": default.definition, "source": default.source, "periodicity": default.periodicity,
            "disaggregations": [str(axis) for axis in default.disaggregations],
            "comparability_note": default.comparability_note, "additive": default.additive,
            "maximum": default.maximum,
        }  # fmt: skip
        indicator = existing.get(default.code)
        if indicator is None:
            Indicator.objects.create(code=default.code, epci=None, **fields)
            created += 1
        elif any(getattr(indicator, name) != value for name, value in fields.items()):
            Indicator.objects.filter(pk=indicator.pk).update(**fields)
    return created

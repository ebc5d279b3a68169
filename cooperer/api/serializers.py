"""What the API reads, field by field. Calls use the names of the Etalab « dispositif d'aide » schema, grants
those of SCDL « subventions » 2.1.1; the rest French names, as on the pages."""

import json

from django.conf import settings
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cooperer.actors.enums import LegalForm
from cooperer.calls.enums import Beneficiary, Outcome

LEGAL_FORMS = dict(LegalForm.choices)
OUTCOMES = dict(Outcome.choices)


class EpciSerializer(serializers.Serializer):
    siren = serializers.CharField()
    nom = serializers.CharField(source="name")


class QpvSerializer(serializers.Serializer):
    code = serializers.CharField()
    nom = serializers.CharField(source="name")
    generation = serializers.IntegerField()
    departement = serializers.CharField(source="departement.code", allow_null=True, default=None)
    communes = serializers.ListField(child=serializers.CharField(), source="commune_codes")
    bbox = serializers.SerializerMethodField(
        help_text="[longitude min, latitude min, longitude max, latitude max]"
    )
    surface_ha = serializers.FloatField(source="area_ha", allow_null=True)

    @extend_schema_field({"type": "array", "items": {"type": "number"}, "nullable": True})
    def get_bbox(self, qpv):
        box = [qpv.min_lon, qpv.min_lat, qpv.max_lon, qpv.max_lat]
        return None if None in box else box


GEOMETRY = {
    "type": "object",
    "nullable": True,
    "description": "Contour GeoJSON (Polygon ou MultiPolygon, WGS 84).",
    "properties": {"type": {"type": "string"}, "coordinates": {"type": "array", "items": {}}},
}


class QpvFeatureSerializer(serializers.Serializer):
    """A QPV as a GeoJSON Feature: its contour and its properties."""

    type = serializers.SerializerMethodField()
    id = serializers.CharField(source="code")
    properties = serializers.SerializerMethodField()
    geometry = serializers.SerializerMethodField()

    @extend_schema_field({"type": "string", "enum": ["Feature"]})
    def get_type(self, qpv):
        return "Feature"

    @extend_schema_field(QpvSerializer)
    def get_properties(self, qpv):
        return QpvSerializer(qpv).data

    @extend_schema_field(GEOMETRY)
    def get_geometry(self, qpv):
        return json.loads(qpv.geometry) if qpv.geometry else None


class DirectoryStructureSerializer(serializers.Serializer):
    """What the public directory page shows of a structure that accepted to appear in it."""

    id = serializers.IntegerField()
    nom = serializers.CharField()
    sigle = serializers.CharField()
    forme_juridique = serializers.CharField()
    forme_juridique_libelle = serializers.CharField()
    commune = serializers.CharField(allow_null=True)
    commune_nom = serializers.CharField(allow_null=True)
    thematiques = serializers.ListField(child=serializers.CharField())
    qpv = serializers.ListField(child=serializers.CharField())
    site_web = serializers.CharField()

    def to_representation(self, structure):
        # Written out rather than field by field: a page of 100 is built in a few milliseconds (bench/api.py).
        commune = structure.commune
        return {
            "id": structure.pk,
            "nom": structure.name,
            "sigle": structure.acronym,
            "forme_juridique": structure.legal_form,
            "forme_juridique_libelle": str(LEGAL_FORMS.get(structure.legal_form, structure.legal_form)),
            "commune": commune.insee_code if commune else None,
            "commune_nom": commune.name if commune else None,
            "thematiques": [theme.name for theme in structure.theme_list],
            "qpv": [qpv.code for qpv in structure.qpv_list],
            "site_web": structure.website,
        }


class CallFunderSerializer(serializers.Serializer):
    financeur = serializers.CharField(source="funder")
    nom = serializers.CharField(source="name")
    siret = serializers.CharField()
    programme = serializers.CharField()
    enveloppe = serializers.DecimalField(
        max_digits=12, decimal_places=2, coerce_to_string=False, source="envelope"
    )


# Our beneficiaries as the schema's fixed list (« beneficiaires_aide »); a social landlord may be public (OPH) or
# private (ESH): it is not named by the schema, so it is left out of that field (our `beneficiaires` keeps it).
ETALAB_BENEFICIARIES = {
    Beneficiary.ASSOCIATION: "Associations",
    Beneficiary.LOCAL_AUTHORITY: "Communes",
    Beneficiary.PUBLIC_BODY: "Établissements publics - Services de l'État",
    Beneficiary.SOCIAL_ECONOMY: "Entreprises privées",
}


class CallSerializer(serializers.Serializer):
    """A call for projects with the fields of the Etalab « dispositif d'aide » schema (schema-dispositif-aide), then
    what Coopérer adds (state, territory, contract, funders and envelopes)."""

    id_aide = serializers.SerializerMethodField()
    nom_aide_normalise = serializers.CharField(source="name")
    programme_aides = serializers.SerializerMethodField()
    porteur_aide = serializers.CharField(source="carrier_name")
    porteur_siren = serializers.CharField(source="carrier_siren")
    instructeurs_aide = serializers.SerializerMethodField()
    beneficiaires_aide = serializers.SerializerMethodField()
    types_aides = serializers.SerializerMethodField()
    aap_ami = serializers.SerializerMethodField()
    description = serializers.CharField(source="summary")
    thematique_aide = serializers.SerializerMethodField()
    date_ouverture = serializers.DateField(source="opens_on")
    date_pre_depot = serializers.DateField(source="prefiling_on", allow_null=True)
    date_cloture = serializers.SerializerMethodField()
    condition_eligibilite = serializers.CharField(source="eligibility")
    zone_geographique = serializers.CharField(source="zone")
    url_descriptif = serializers.SerializerMethodField()
    contact = serializers.CharField()
    id = serializers.IntegerField(
        source="pk", help_text="Numéro de l'appel (paramètre `appel` des autres listes)."
    )
    type_appel = serializers.CharField(source="kind")
    beneficiaires = serializers.ListField(child=serializers.CharField(), source="beneficiaries")
    cloture = serializers.DateTimeField(source="closes_at")
    statut = serializers.CharField(source="status")
    epci = serializers.CharField(source="epci.siren")
    contrat_de_ville = serializers.CharField(source="contract.slug")
    financeurs = CallFunderSerializer(source="funder_list", many=True)

    @extend_schema_field(OpenApiTypes.STR)
    def get_id_aide(self, call):
        return f"cooperer-appel-{call.pk}"

    @extend_schema_field(OpenApiTypes.STR)
    def get_programme_aides(self, call):
        return ",".join(sorted({f.programme for f in call.funder_list if f.programme}))

    @extend_schema_field(OpenApiTypes.STR)
    def get_instructeurs_aide(self, call):
        return ",".join(f.name for f in call.funder_list)

    @extend_schema_field(OpenApiTypes.STR)
    def get_beneficiaires_aide(self, call):
        return ",".join(ETALAB_BENEFICIARIES[b] for b in call.beneficiaries if b in ETALAB_BENEFICIARIES)

    @extend_schema_field({"type": "string", "enum": ["Subvention"]})
    def get_types_aides(self, call):
        return "Subvention"

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_aap_ami(self, call):
        return True  # appel à projets, à manifestation d'intérêt or à coopérations: always a call

    @extend_schema_field(OpenApiTypes.STR)
    def get_thematique_aide(self, call):
        return "Politique de la ville"

    @extend_schema_field(OpenApiTypes.DATE)
    def get_date_cloture(self, call):
        return timezone.localdate(call.closes_at).isoformat()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url_descriptif(self, call):
        return settings.COOPERER_SITE_URL.rstrip("/") + call.get_absolute_url()


class ScdlGrantSerializer(serializers.Serializer):
    """One grant as a row of SCDL « subventions » 2.1.1 (same names, same rules as the CSV publication)."""

    nomAttribuant = serializers.CharField(source="attributor_name")
    idAttribuant = serializers.CharField(source="attributor_siret")
    dateConvention = serializers.DateField(source="convention_date")
    referenceDecision = serializers.CharField(source="decision_reference")
    nomBeneficiaire = serializers.CharField(source="beneficiary_name")
    idBeneficiaire = serializers.CharField(source="beneficiary_siret")
    rnaBeneficiaire = serializers.CharField(source="beneficiary_rna")
    objet = serializers.CharField()
    montant = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)
    nature = serializers.CharField()
    conditionsVersement = serializers.CharField(source="payment_conditions")
    datesPeriodeVersement = serializers.SerializerMethodField()
    idRAE = serializers.CharField(source="id_rae")
    notificationUE = serializers.SerializerMethodField()
    pourcentageSubvention = serializers.DecimalField(
        max_digits=4, decimal_places=2, coerce_to_string=False, source="pourcentage"
    )
    dispositifAide = serializers.CharField(source="dispositif")

    @extend_schema_field(OpenApiTypes.STR)
    def get_datesPeriodeVersement(self, grant):
        period = grant.payment_start.isoformat()
        return f"{period}/{grant.payment_end.isoformat()}" if grant.payment_end else period

    @extend_schema_field({"type": "string", "enum": ["oui", "non"]})
    def get_notificationUE(self, grant):
        return "oui" if grant.notification_ue else "non"


class DecisionGrantSerializer(serializers.Serializer):
    financeur = serializers.CharField()
    nomAttribuant = serializers.CharField()
    idAttribuant = serializers.CharField()
    montant = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=False)
    dateConvention = serializers.DateField(allow_null=True)
    referenceConvention = serializers.CharField()
    conditionsVersement = serializers.CharField()


class DecisionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    appel = serializers.IntegerField()
    demande = serializers.IntegerField()
    intitule = serializers.CharField()
    objet = serializers.CharField()
    nomBeneficiaire = serializers.CharField()
    idBeneficiaire = serializers.CharField()
    rnaBeneficiaire = serializers.CharField()
    decision = serializers.CharField()
    decision_libelle = serializers.CharField()
    motivation = serializers.CharField()
    comite = serializers.CharField()
    date = serializers.DateField()
    subventions = DecisionGrantSerializer(many=True)

    def to_representation(self, decision):
        application = decision.application
        applicant = application.applicant
        return {
            "id": decision.pk,
            "appel": application.call_id,
            "demande": application.pk,
            "intitule": application.title,
            "objet": application.purpose,
            "nomBeneficiaire": applicant.name,
            "idBeneficiaire": applicant.siret,
            "rnaBeneficiaire": applicant.rna,
            "decision": decision.outcome,
            "decision_libelle": str(OUTCOMES.get(decision.outcome, decision.outcome)),
            "motivation": decision.motivation,
            "comite": decision.committee,
            "date": decision.decided_on.isoformat(),
            "subventions": [
                {
                    "financeur": grant.call_funder.funder,
                    "nomAttribuant": grant.call_funder.name,
                    "idAttribuant": grant.call_funder.siret,
                    "montant": grant.amount,
                    "dateConvention": grant.convention_date.isoformat() if grant.convention_date else None,
                    "referenceConvention": grant.convention_reference,
                    "conditionsVersement": grant.payment_conditions,
                }
                for grant in decision.grant_list
            ],
        }


class ElementSerializer(serializers.Serializer):
    cle = serializers.CharField()
    position = serializers.IntegerField()
    texte = serializers.CharField()


class VisionSerializer(serializers.Serializer):
    """An adopted version of a shared vision, with its elements."""

    id = serializers.IntegerField()
    vision = serializers.IntegerField()
    titre = serializers.CharField()
    echelle = serializers.CharField()
    qpv = serializers.CharField(allow_null=True)
    epci = serializers.CharField()
    horizon = serializers.IntegerField()
    version = serializers.IntegerField()
    statut = serializers.CharField()
    enonce = serializers.CharField()
    adoptee_le = serializers.DateField(allow_null=True)
    instance = serializers.CharField()
    reference_decision = serializers.CharField()
    elements = ElementSerializer(many=True)

    def to_representation(self, version):
        vision = version.vision
        return {
            "id": version.pk,
            "vision": vision.pk,
            "titre": vision.title,
            "echelle": vision.scope_kind,
            "qpv": vision.qpv.code if vision.qpv_id else None,
            "epci": vision.epci.siren,
            "horizon": vision.horizon,
            "version": version.number,
            "statut": version.status,
            "enonce": version.statement,
            "adoptee_le": version.adopted_on.isoformat() if version.adopted_on else None,
            "instance": version.adopted_by_body,
            "reference_decision": version.decision_reference,
            "elements": [
                {"cle": element.key, "position": element.position, "texte": element.text}
                for element in version.element_list
            ],
        }


class IndicatorSerializer(serializers.Serializer):
    """The data dictionary of the open data (`measurement/opendata.py`)."""

    id = serializers.IntegerField(source="pk")
    code = serializers.CharField()
    nom = serializers.CharField(source="name")
    type = serializers.CharField(source="kind")
    definition = serializers.CharField()
    unite = serializers.CharField(source="unit")
    sens_souhaite = serializers.CharField(source="polarity")
    source = serializers.CharField()
    periodicite = serializers.CharField(source="periodicity")
    comparabilite = serializers.CharField(source="comparability_note")
    epci = serializers.CharField(source="epci.siren", allow_null=True, default=None)


class MeasurementSerializer(serializers.Serializer):
    """A validated public measurement, under statistical secrecy (`valeur` is « secret » when masked)."""

    id = serializers.IntegerField(source="pk")
    indicateur = serializers.CharField(source="indicator.code")
    qpv = serializers.CharField(source="qpv.code", allow_null=True, default=None)
    epci = serializers.CharField(source="epci.siren", allow_null=True, default=None)
    debut_periode = serializers.DateField(source="period_start")
    fin_periode = serializers.DateField(source="period_end")
    valeur = serializers.SerializerMethodField()
    unite = serializers.CharField(source="indicator.unit")
    origine = serializers.CharField(source="source")

    @extend_schema_field({"type": "string", "description": "Un nombre (point décimal), ou « secret »."})
    def get_valeur(self, measurement):
        from cooperer.measurement.opendata import public_value

        return public_value(measurement)

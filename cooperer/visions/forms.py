from django import forms
from django.utils import timezone

from cooperer.accounts.permissions import animated_epci_ids, is_platform_admin
from cooperer.communities.models import Community
from cooperer.consultations.models import Consultation
from cooperer.territories.models import Commune, ContratDeVille, Epci, Qpv
from cooperer.visions.enums import AssumptionStatus, Horizon, Level, ScopeKind
from cooperer.visions.models import Assumption, Element, Outcome, Vision

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SDG_CHOICES = [(n, f"ODD {n}") for n in range(1, 18)]


def scope_epci(data) -> Epci | None:
    """The EPCI a vision belongs to, from its scope."""
    kind = data.get("scope_kind")
    if kind == ScopeKind.QPV and data.get("qpv"):
        commune = data["qpv"].communes.exclude(epci=None).select_related("epci").first()
        return commune.epci if commune else None
    if kind == ScopeKind.COMMUNE and data.get("commune"):
        return data["commune"].epci
    if kind == ScopeKind.CONTRACT and data.get("contract"):
        return data["contract"].pilot_epci
    if kind == ScopeKind.COMMUNITY and data.get("community"):
        return data["community"].epci
    return None


class VisionForm(forms.ModelForm):
    class Meta:
        model = Vision
        fields = [
            "title",
            "scope_kind",
            "qpv",
            "commune",
            "contract",
            "community",
            "horizon",
            "parent",
            "consultation",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        epcis = (
            Epci.objects.all()
            if is_platform_admin(user)
            else Epci.objects.filter(pk__in=animated_epci_ids(user))
        )
        self.allowed_epcis = set(epcis.values_list("pk", flat=True))
        self.fields["qpv"].queryset = (
            Qpv.objects.filter(communes__epci__in=epcis)
            .distinct()
            .only("pk", "code", "name")
            .order_by("name")
        )
        self.fields["commune"].queryset = Commune.objects.filter(epci__in=epcis).only(
            "pk", "name", "insee_code"
        )
        self.fields["contract"].queryset = ContratDeVille.objects.filter(pilot_epci__in=epcis).order_by(
            "name"
        )
        self.fields["community"].queryset = Community.objects.filter(epci__in=epcis).order_by("name")
        self.fields["parent"].queryset = (
            Vision.objects.filter(epci__in=epcis).exclude(scope_kind=ScopeKind.QPV).order_by("title")
        )
        self.fields["consultation"].queryset = Consultation.objects.filter(epci__in=epcis).order_by("title")
        if self.instance.pk:
            self.fields["parent"].queryset = self.fields["parent"].queryset.exclude(pk=self.instance.pk)

    def clean(self):
        data = super().clean()
        kind = data.get("scope_kind")
        if not kind:
            return data
        for other_kind, field in (
            (ScopeKind.QPV, "qpv"),
            (ScopeKind.COMMUNE, "commune"),
            (ScopeKind.CONTRACT, "contract"),
            (ScopeKind.COMMUNITY, "community"),
        ):
            if other_kind != kind:
                data[field] = None
        field = {"qpv": "qpv", "commune": "commune", "contrat": "contract", "communaute": "community"}[kind]
        if not data.get(field):
            self.add_error(field, f"Choisissez {ScopeKind(kind).label.lower()} de la vision.")
            return data
        epci = scope_epci(data)
        if epci is None or epci.pk not in self.allowed_epcis:
            self.add_error(field, "Ce périmètre n'est pas sur un territoire que vous animez.")
            return data
        self.instance.epci = epci
        if data.get("parent") and data["parent"].epci_id != epci.pk:
            self.add_error("parent", "La vision plus large doit être sur le même territoire.")
        if data.get("consultation") and data["consultation"].epci_id != epci.pk:
            self.add_error("consultation", "Cette concertation porte sur un autre territoire.")
        return data


class StatementForm(forms.Form):
    statement = forms.CharField(
        label="Énoncé de la vision",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="En quelques phrases, en français simple : comment voulons-nous que le quartier soit ?",
    )


class ElementForm(forms.ModelForm):
    class Meta:
        model = Element
        fields = ["text"]
        widgets = {"text": forms.TextInput(attrs={"maxlength": 300})}


class OutcomeForm(forms.ModelForm):
    sdgs = forms.TypedMultipleChoiceField(
        label="Objectifs de développement durable (ODD)",
        choices=SDG_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checkbox-grid"}),
    )

    class Meta:
        model = Outcome
        fields = ["text", "horizon", "level", "element", "sdgs"]

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["element"].queryset = version.elements.all()
        self.fields["horizon"].choices = Horizon.choices
        self.fields["level"].choices = Level.choices


class OutcomeLinkForm(forms.Form):
    source = forms.ModelChoiceField(label="Ce changement", queryset=Outcome.objects.none())
    target = forms.ModelChoiceField(label="mène à", queryset=Outcome.objects.none())

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = version.outcomes.all()
        self.fields["target"].queryset = version.outcomes.all()


class AssumptionForm(forms.ModelForm):
    class Meta:
        model = Assumption
        fields = ["text", "outcome"]

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].queryset = version.outcomes.all()


class AssumptionStatusForm(forms.Form):
    status = forms.ChoiceField(label="Nouveau statut", choices=AssumptionStatus.choices)
    evidence = forms.CharField(
        label="Éléments de preuve",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ce qui a été observé ou mesuré, et où le retrouver.",
    )


class AdoptionForm(forms.Form):
    body = forms.CharField(
        label="Instance qui adopte", max_length=200, help_text="Ex. : comité de pilotage du contrat de ville."
    )
    reference = forms.CharField(label="Référence de la décision", max_length=120, required=False)
    adopted_on = forms.DateField(label="Date de l'adoption", widget=DATE, initial=timezone.localdate)


class GroundForm(forms.Form):
    """Links the chosen contributions (checkboxes on the page) to one element or outcome: `target` reads
    "element:ID" or "outcome:ID"."""

    target = forms.ChoiceField(label="Fonder")
    contributions = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [
            (
                "Éléments de vision",
                [(f"element:{e.pk}", e.text or "(élément vide)") for e in version.elements.all()],
            ),
            ("Changements attendus", [(f"outcome:{o.pk}", o.text) for o in version.outcomes.all()]),
        ]
        self.fields["contributions"].choices = (
            [(pk, pk) for pk in self.data.getlist("contributions")] if self.data else []
        )


class SharedElementForm(forms.Form):
    text = forms.CharField(label="Élément commun", max_length=300)
    elements = forms.TypedMultipleChoiceField(
        label="Éléments des quartiers rassemblés", coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, child_elements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["elements"].choices = [
            (e.pk, f"{e.version.vision.title} : « {e.text} »") for e in child_elements
        ]

from decimal import Decimal

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS

from cooperer.accounts.enums import Funder
from cooperer.calls.enums import CHARGE_ACCOUNTS, PRODUCT_ACCOUNTS, Beneficiary, Outcome
from cooperer.calls.models import (
    PURPOSE_MAX,
    Application,
    BudgetLine,
    Call,
    CallFunder,
    CommitteeSession,
    Criterion,
    Indicator,
)
from cooperer.territories.models import ContratDeVille
from cooperer.visions.models import Element

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DOCUMENT_SUFFIXES = (".pdf", ".odt", ".docx", ".xlsx", ".ods", ".png", ".jpg", ".jpeg")


class CallForm(forms.ModelForm):
    beneficiaries = forms.MultipleChoiceField(
        label="Bénéficiaires",
        choices=Beneficiary.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Call
        fields = [
            "name", "kind", "contract", "summary", "carrier_name", "carrier_siren", "beneficiaries", "opens_on",
            "prefiling_on", "closes_at", "eligibility", "zone", "contact", "elements", "min_partners",
            "min_partner_sectors", "require_participation", "status",
        ]  # fmt: skip
        widgets = {
            "opens_on": DATE,
            "prefiling_on": DATE,
            "closes_at": DATETIME,
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, epci_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = ContratDeVille.objects.filter(pilot_epci__in=epci_ids).order_by(
            "name"
        )
        self.fields["elements"].queryset = Element.objects.filter(
            version__vision__epci__in=epci_ids, version__status__in=["adopted", "draft"]
        ).select_related("version__vision")
        self.fields["elements"].label_from_instance = lambda e: f"{e.version.vision.title} : {e.text}"

    def clean(self):
        data = super().clean()
        if data.get("contract"):
            self.instance.epci = data["contract"].pilot_epci
        return data


class CallFunderForm(forms.ModelForm):
    class Meta:
        model = CallFunder
        fields = ["funder", "name", "siret", "programme", "envelope"]


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["kind", "label", "weight"]


class ApplicationForm(forms.ModelForm):
    age_bands = forms.MultipleChoiceField(
        label="Tranches d'âge",
        required=False,
        choices=[(b, b) for b in ("0-5", "6-10", "11-15", "16-25", "26-59", "60 et plus")],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Application
        fields = [
            "title", "purpose", "objectives", "description", "public_description", "public_count", "age_bands",
            "qpv_share", "qpvs", "starts_on", "ends_on", "years", "means", "republican_commitment",
        ]  # fmt: skip
        widgets = {
            "starts_on": DATE, "ends_on": DATE, "purpose": forms.Textarea(attrs={"rows": 2, "maxlength": 256}),
            "objectives": forms.Textarea(attrs={"rows": 3}), "description": forms.Textarea(attrs={"rows": 5}),
            "means": forms.Textarea(attrs={"rows": 3}),
        }  # fmt: skip

    def __init__(self, *args, call, only=None, autosave=None, **kwargs):
        """`only`: the fields of one step of the dossier (or the one field an autosave writes); `autosave`: a
        function giving the URL that saves a field, put on each text, number and date field."""
        super().__init__(*args, **kwargs)
        for name in set(self.fields) - set(only or self.fields):
            del self.fields[name]
        if "qpvs" in self.fields:
            self.fields["qpvs"].queryset = call.contract.qpvs.only("pk", "code", "name").order_by("name")
        if "purpose" in self.fields:  # refused beyond the limit with its length said, never cut
            self.fields["purpose"].max_length = None
            self.fields["purpose"].validators = []
        for name, field in self.fields.items():
            if autosave and name in AUTOSAVED:
                said = f"id_{self.prefix}-{name}-enregistrement"
                notes = [f"id_{self.prefix}-{name}-compteur"] if "maxlength" in field.widget.attrs else []
                # Not « input changed »: htmx takes the value it finds when it sets the field up as already sent,
                # so words typed before the page's scripts were ready would never be saved.
                field.widget.attrs.update(
                    {"hx-post": autosave(name), "hx-trigger": "input delay:600ms", "hx-target": f"#{said}",
                     "hx-swap": "innerHTML", "data-autosave": "", "aria-describedby": " ".join([*notes, said])}
                )  # fmt: skip

    def _update_errors(self, errors):
        # A step holds some fields only: a rule about another one (the end before the start) is said on top of it.
        if hasattr(errors, "error_dict"):
            errors = forms.ValidationError(
                {
                    (name if name in self.fields else NON_FIELD_ERRORS): e
                    for name, e in errors.error_dict.items()
                }
            )
        super()._update_errors(errors)

    def clean_purpose(self):
        purpose = self.cleaned_data["purpose"].strip()
        if len(purpose) > PURPOSE_MAX:
            raise forms.ValidationError(
                f"L'objet fait {len(purpose)} caractères : {PURPOSE_MAX} au plus. Raccourcissez-le, rien n'a été "
                "coupé."
            )
        return purpose


IDENTITY_FIELDS = ("title", "republican_commitment")
PROJECT_FIELDS = (
    "purpose", "objectives", "description", "public_description", "public_count", "age_bands", "qpv_share",
    "qpvs", "starts_on", "ends_on", "years", "means",
)  # fmt: skip
AUTOSAVED = (
    "title", "purpose", "objectives", "description", "public_description", "public_count", "qpv_share",
    "starts_on", "ends_on", "years", "means",
)  # fmt: skip


class PartnerForm(forms.Form):
    siret = forms.CharField(label="SIRET du partenaire", max_length=20, required=False)
    known = forms.TypedChoiceField(
        label="ou un partenaire de votre réseau", coerce=int, required=False, empty_value=None
    )
    role = forms.ChoiceField(label="Rôle")
    contribution = forms.CharField(label="Apport", max_length=300, required=False)

    def __init__(self, *args, network, **kwargs):
        from cooperer.calls.enums import PartnerRole

        super().__init__(*args, **kwargs)
        self.fields["known"].choices = [("", "— choisir —")] + [(s.pk, s.name) for s in network]
        self.fields["role"].choices = PartnerRole.choices


class BudgetLineForm(forms.ModelForm):
    class Meta:
        model = BudgetLine
        fields = ["year", "account", "label", "amount", "funder", "acquired"]

    def __init__(self, *args, years=1, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].widget = forms.Select(choices=[(y, f"Année {y}") for y in range(1, years + 1)])
        self.fields["account"].choices = [
            ("Charges", list(CHARGE_ACCOUNTS.items())),
            ("Produits", list(PRODUCT_ACCOUNTS.items())),
        ]
        self.fields["funder"].choices = [("", "—"), *Funder.choices]

    def clean(self):
        data = super().clean()
        if data.get("account") == "74" and not data.get("funder"):
            self.add_error("funder", "Une subvention d'exploitation (compte 74) dit quel financeur la verse.")
        if data.get("account") != "74" and data.get("funder"):
            self.add_error("funder", "Seules les subventions (compte 74) ont un financeur.")
        return data


class ServedElementForm(forms.Form):
    element = forms.ModelChoiceField(label="Élément de la vision", queryset=Element.objects.none())
    justification = forms.CharField(
        label="En quoi le projet le sert", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["element"].queryset = call.elements.all()


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["name", "target"]


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(
        label="Pièce",
        choices=[(k, k) for k in ("Statuts", "Relevé d'identité bancaire", "Derniers comptes approuvés",
                                  "Rapport d'activité", "Budget prévisionnel", "Autre")],
    )  # fmt: skip
    file = forms.FileField(label="Fichier", help_text="PDF, ODT, DOCX, XLSX, ODS, PNG ou JPEG.")

    def clean_file(self):
        from django.core.exceptions import ValidationError

        from cooperer.core.uploads import check_upload, document_problem

        upload = check_upload(self.cleaned_data["file"], DOCUMENT_SUFFIXES)
        problem = document_problem(upload)
        if problem:
            suffix = upload.name.lower().rsplit(".", 1)[-1].upper()
            raise ValidationError(f"« {upload.name} » n'est pas un vrai fichier {suffix} : {problem}.")
        return upload


class DecisionForm(forms.Form):
    """The committee's decision on one application. Its rules are the service's (`services.decision_problems`),
    checked here too so that every problem shows on its field, at once."""

    committee = forms.CharField(label="Comité", max_length=200, initial="Comité de programmation")
    outcome = forms.ChoiceField(
        label="Décision", choices=[("", "— choisir —"), *Outcome.choices],
        error_messages={"required": "Choisissez la décision du comité."},
    )  # fmt: skip
    motivation = forms.CharField(
        label="Motivation (publiée au porteur)", widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "La décision doit être motivée : la motivation est publiée au porteur."},
    )  # fmt: skip
    elements = forms.ModelMultipleChoiceField(
        label="Éléments de la vision cités", queryset=Element.objects.none(), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "La motivation doit citer au moins un élément de la vision."},
    )  # fmt: skip
    criteria = forms.ModelMultipleChoiceField(
        label="Critères cités", queryset=Criterion.objects.none(), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "La motivation doit citer au moins un critère de l'appel."},
    )  # fmt: skip

    def __init__(self, *args, application, funders, requested: dict, remaining: dict, **kwargs):
        super().__init__(*args, **kwargs)
        from cooperer.calls.services import money

        call = application.call
        self.application, self.funders, self.remaining = application, funders, remaining
        self.fields["elements"].queryset = call.elements.all()
        self.fields["criteria"].queryset = call.criteria.all()
        for funder in funders:
            self.fields[f"amount_{funder.pk}"] = forms.DecimalField(
                label=f"Montant {funder.name}", required=False, min_value=0, max_digits=12, decimal_places=2,
                help_text=f"Demandé : {money(requested.get(funder.funder, Decimal('0')))} ; reste de "
                f"l'enveloppe : {money(remaining[funder])}.",
            )  # fmt: skip
        self.fields["exception_reason"] = forms.CharField(
            label="Motif de l'exception", required=False, widget=forms.Textarea(attrs={"rows": 2}),
            help_text="Seulement si un financeur accorde plus que ce qui lui a été demandé : le motif est gardé avec "
            "la décision.",
        )  # fmt: skip
        self.fields["confirm_overrun"] = forms.BooleanField(
            label="Je confirme le dépassement de l'enveloppe", required=False,
            help_text="Seulement si un montant dépasse ce qui reste de l'enveloppe du financeur.",
        )  # fmt: skip

    def amounts(self) -> dict:
        return {
            f: self.cleaned_data.get(f"amount_{f.pk}")
            for f in self.funders
            if self.cleaned_data.get(f"amount_{f.pk}")
        }

    def clean(self):
        from cooperer.calls.services import decision_problems

        data = super().clean()
        problems = decision_problems(
            self.application, outcome=data.get("outcome", ""), motivation=data.get("motivation", ""),
            elements=list(data.get("elements") or []), criteria=list(data.get("criteria") or []),
            amounts=self.amounts(), exception_reason=data.get("exception_reason", ""),
            confirm_overrun=bool(data.get("confirm_overrun")), remaining=self.remaining,
        )  # fmt: skip
        for field, messages in problems.items():
            if field not in self.errors:  # the field's own check already said it
                for message in messages:
                    self.add_error(field, message)
        return data


class CommitteeSessionForm(forms.ModelForm):
    class Meta:
        model = CommitteeSession
        fields = ["name", "held_on", "place"]
        widgets = {"held_on": DATE}
        error_messages = {
            "name": {"required": "Donnez un nom à la séance."},
            "held_on": {"required": "Indiquez la date de la séance."},
            "place": {"required": "Indiquez où la séance se tient."},
        }


SORTS = [
    ("titre", "Intitulé"),
    ("note", "Note moyenne, la plus haute d'abord"),
    ("etat", "État"),
    ("porteur", "Porteur"),
]


class CommitteeFilterForm(forms.Form):
    """The committee screen's filters (GET): all optional, an unknown value is ignored."""

    seance = forms.ModelChoiceField(label="Séance", required=False, queryset=CommitteeSession.objects.none(),
                                    empty_label="Toutes les demandes")  # fmt: skip
    qpv = forms.ModelChoiceField(label="QPV", required=False, queryset=None, empty_label="Tous")
    financeur = forms.ChoiceField(label="Financeur sollicité", required=False)
    etat = forms.ChoiceField(label="État", required=False)
    note_min = forms.DecimalField(label="Note moyenne d'au moins", required=False, min_value=0, max_value=5,
                                  decimal_places=1)  # fmt: skip
    element = forms.ModelChoiceField(label="Élément de la vision servi", required=False, queryset=None,
                                     empty_label="Tous")  # fmt: skip
    tri = forms.ChoiceField(label="Trier par", required=False, choices=SORTS)

    def __init__(self, *args, call, funders, **kwargs):
        from cooperer.calls.enums import ApplicationStatus

        super().__init__(*args, **kwargs)
        self.fields["seance"].queryset = call.sessions.all()
        self.fields["qpv"].queryset = call.contract.qpvs.only("pk", "code", "name").order_by("name")
        self.fields["qpv"].label_from_instance = lambda q: f"{q.name} ({q.code})"
        self.fields["financeur"].choices = [("", "Tous"), *((f.funder, f.name) for f in funders)]
        self.fields["etat"].choices = [("", "Tous")] + [
            (value, label)
            for value, label in ApplicationStatus.choices
            if value not in (ApplicationStatus.DRAFT, ApplicationStatus.MERGED)
        ]
        self.fields["element"].queryset = call.elements.all()

    def filters(self) -> dict:
        """The valid filters only: a wrong one is dropped rather than failing the page."""
        self.is_valid()
        return {
            name: value
            for name, value in getattr(self, "cleaned_data", {}).items()
            if value not in ("", None)
        }


class ScdlImportForm(forms.Form):
    file = forms.FileField(
        label="Publication SCDL (CSV)", help_text="Le fichier CSV publié par un autre financeur."
    )

    def clean_file(self):
        from cooperer.core.uploads import check_upload

        return check_upload(self.cleaned_data["file"], (".csv", ".txt"))

from django import forms

from cooperer.accounts.enums import Funder
from cooperer.calls.enums import CHARGE_ACCOUNTS, PRODUCT_ACCOUNTS, Beneficiary, Outcome
from cooperer.calls.models import Application, BudgetLine, Call, CallFunder, Criterion, Indicator
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

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["qpvs"].queryset = call.contract.qpvs.only("pk", "code", "name").order_by("name")
        self.fields["purpose"].max_length = None  # a longer one is kept and explained at submission, not lost
        self.fields["purpose"].validators = []

    def clean_purpose(self):
        return self.cleaned_data["purpose"].strip()


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
    outcome = forms.ChoiceField(label="Décision", choices=Outcome.choices)
    motivation = forms.CharField(
        label="Motivation (publiée au porteur)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    elements = forms.ModelMultipleChoiceField(
        label="Éléments de la vision cités", queryset=Element.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    criteria = forms.ModelMultipleChoiceField(
        label="Critères cités",
        queryset=Criterion.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, call, funders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["elements"].queryset = call.elements.all()
        self.fields["criteria"].queryset = call.criteria.all()
        for funder in funders:
            self.fields[f"amount_{funder.pk}"] = forms.DecimalField(
                label=f"Montant {funder.name}", required=False, min_value=0, max_digits=12, decimal_places=2
            )

    def amounts(self, funders) -> dict:
        return {
            f: self.cleaned_data.get(f"amount_{f.pk}")
            for f in funders
            if self.cleaned_data.get(f"amount_{f.pk}")
        }


class ScdlImportForm(forms.Form):
    file = forms.FileField(
        label="Publication SCDL (CSV)", help_text="Le fichier CSV publié par un autre financeur."
    )

    def clean_file(self):
        from cooperer.core.uploads import check_upload

        return check_upload(self.cleaned_data["file"], (".csv", ".txt"))

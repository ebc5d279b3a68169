from django import forms

from cooperer.core.uploads import check_upload
from cooperer.territories.models import ContratDeVille, TargetArea

ALLOWED_REFERENCE_SUFFIXES = (".csv", ".json", ".geojson", ".gz")


class ContractForm(forms.ModelForm):
    class Meta:
        model = ContratDeVille
        fields = ["summary", "signed_on", "start_year", "end_year", "midterm_review_year"]
        widgets = {"signed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def clean(self):
        cleaned = super().clean()
        start, end, review = (cleaned.get(k) for k in ("start_year", "end_year", "midterm_review_year"))
        if start and end and start > end:
            self.add_error("end_year", "La fin du contrat ne peut pas précéder son début.")
        if start and end and review and not start <= review <= end:
            self.add_error(
                "midterm_review_year", "L'évaluation à mi-parcours doit tomber pendant le contrat."
            )
        return cleaned


class TargetAreaForm(forms.ModelForm):
    class Meta:
        model = TargetArea
        fields = ["name", "kind", "communes", "related_qpvs", "description"]

    def __init__(self, *args, contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.contract = contract
        self.instance.contract = contract
        self.fields["communes"].queryset = contract.communes.all()
        self.fields["related_qpvs"].queryset = contract.qpvs.all()
        self.fields["communes"].help_text = "Les communes du contrat concernées."
        self.fields[
            "related_qpvs"
        ].help_text = "Les QPV réglementaires voisins ou recouverts, le cas échéant."

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if TargetArea.objects.filter(contract=self.contract, name__iexact=name).exists():
            raise forms.ValidationError("Ce contrat a déjà un quartier cible de ce nom.")
        return name


class ReferenceFileForm(forms.Form):
    file = forms.FileField(
        label="Fichier de référence",
        help_text="Contours ou liste des QPV (GeoJSON, JSON compact, CSV), communes, EPCI ou départements.",
    )

    def clean_file(self):
        return check_upload(self.cleaned_data["file"], ALLOWED_REFERENCE_SUFFIXES)

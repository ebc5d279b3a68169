"""Forms of the indicator library: a territory's own indicator, the library filter, the upload of a context
table. National indicators come from `library.DEFAULTS` and are never edited here."""

from django import forms

from cooperer.accounts.permissions import animated_epci_ids, is_platform_admin
from cooperer.core.uploads import check_upload
from cooperer.measurement.enums import Disaggregation, IndicatorKind, Unit
from cooperer.measurement.models import Indicator
from cooperer.territories.models import Epci

TABLE_SUFFIXES = (".csv", ".xlsx")
# Fields that change what the stored values mean: frozen once an indicator has measurements.
FROZEN_WITH_VALUES = ("code", "kind", "unit")


class IndicatorForm(forms.ModelForm):
    disaggregations = forms.MultipleChoiceField(
        label="Ventilations",
        choices=Disaggregation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Les axes selon lesquels un effectif est détaillé.",
    )

    class Meta:
        model = Indicator
        fields = [
            "epci", "code", "name", "kind", "definition", "unit", "polarity", "source", "periodicity",
            "disaggregations", "comparability_note", "additive", "minimum", "maximum",
        ]  # fmt: skip
        labels = {"epci": "Territoire"}

    def __init__(self, *args, epcis, **kwargs):
        """`epcis`: the territories whose indicators the person manages (her animated EPCIs, or any for an
        administrator). With a single one, it is set and not asked."""
        super().__init__(*args, **kwargs)
        self.fields["epci"].queryset = epcis
        self.fields["epci"].required = True
        self.fields["epci"].empty_label = None
        if self.instance.pk is not None or epcis.count() == 1:
            if self.instance.pk is None:
                self.instance.epci = epcis.get()
            del self.fields["epci"]
        self.has_values = self.instance.pk is not None and self.instance.measurements.exists()
        if self.has_values:
            for name in FROZEN_WITH_VALUES:
                self.fields[name].disabled = True
                self.fields[name].help_text = "Des valeurs sont déjà enregistrées : ce champ ne change plus."

    def clean_code(self):
        code = self.cleaned_data["code"]
        if code and Indicator.objects.national().filter(code=code).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                "Ce code est celui d'un indicateur national de la bibliothèque : utilisez celui-ci ou choisissez "
                "un autre code."
            )
        epci = self.cleaned_data.get("epci") or self.instance.epci
        if (
            code
            and epci
            and Indicator.objects.filter(epci=epci, code=code).exclude(pk=self.instance.pk).exists()
        ):
            raise forms.ValidationError(f"Ce territoire a déjà un indicateur de code « {code} ».")
        return code

    def clean(self):
        cleaned = super().clean()
        minimum, maximum = cleaned.get("minimum"), cleaned.get("maximum")
        if minimum is not None and maximum is not None and maximum < minimum:
            self.add_error("maximum", "La valeur maximale ne peut pas être inférieure à la valeur minimale.")
        if cleaned.get("unit") == Unit.PERCENT and maximum is not None and maximum > 100:
            self.add_error("maximum", "Un pourcentage ne dépasse pas 100.")
        if cleaned.get("disaggregations") and cleaned.get("unit") not in (Unit.PEOPLE, Unit.COUNT):
            self.add_error("disaggregations", "Seul un effectif (personnes, nombre) se ventile.")
        return cleaned

    def save(self, commit=True):
        indicator = super().save(commit=False)
        if indicator.unit == Unit.PERCENT and indicator.maximum is None:
            indicator.maximum = 100
        if commit:
            indicator.save()
        return indicator


class LibraryFilterForm(forms.Form):
    type = forms.ChoiceField(
        label="Type", choices=[("", "Tous les types"), *IndicatorKind.choices], required=False
    )


class ContextUploadForm(forms.Form):
    file = forms.FileField(
        label="Tableau par QPV",
        help_text="CSV (séparateur ; ou ,) ou Excel .xlsx : une ligne par QPV, une colonne « code_qp » ou "
        "« codeQPV », une colonne par indicateur.",
    )
    dictionary = forms.FileField(
        label="Dictionnaire des données (facultatif)",
        required=False,
        help_text="CSV ou .xlsx avec les colonnes « colonne », « libelle », « unite », et si besoin « code » "
        "(l'indicateur de la bibliothèque) et « annee ».",
    )
    year = forms.IntegerField(
        label="Année des valeurs (facultatif)",
        required=False,
        min_value=1990,
        help_text="Le millésime, si le fichier n'a pas de colonne « annee » (par exemple 2020 pour le "
        "recensement 2020).",
    )

    def clean_file(self):
        return check_upload(self.cleaned_data["file"], TABLE_SUFFIXES)

    def clean_dictionary(self):
        dictionary = self.cleaned_data.get("dictionary")
        return check_upload(dictionary, TABLE_SUFFIXES) if dictionary else None


def managed_epcis(user):
    """The EPCIs whose own indicators `user` creates and edits: those she animates; for an administrator, every
    EPCI that pilots a contract. Empty: none (the check is on the server, the pages only mirror it)."""
    if is_platform_admin(user):
        return Epci.objects.filter(contracts__isnull=False).distinct().order_by("name")
    return Epci.objects.filter(pk__in=animated_epci_ids(user)).order_by("name")


def can_manage_indicators(user, indicator=None) -> bool:
    """Create a territory's own indicator or import context tables (no `indicator`), or edit `indicator`:
    administrators and the animatrices of its EPCI. National indicators are never edited from the app."""
    if indicator is not None and indicator.epci_id is None:
        return False
    if is_platform_admin(user):
        return True
    animated = animated_epci_ids(user)
    return indicator.epci_id in animated if indicator is not None else bool(animated)

from django import forms
from django.db.models import Exists, OuterRef
from django.utils import timezone

from cooperer.actors.enums import LinkKind, Resource
from cooperer.actors.models import CooperationLink, Person, Public, Structure, Theme
from cooperer.core.uploads import check_upload
from cooperer.territories.models import Epci, Qpv

TABLE_SUFFIXES = (".csv", ".xlsx", ".json")


class StructureForm(forms.ModelForm):
    offers = forms.MultipleChoiceField(
        label="Ce qu'elle offre",
        choices=Resource.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    website = forms.URLField(label="Site web", required=False, assume_scheme="https", max_length=200)
    needs = forms.MultipleChoiceField(
        label="Ce dont elle a besoin",
        choices=Resource.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Structure
        fields = [
            "name", "acronym", "legal_form", "siret", "rna", "court_register", "address", "commune", "longitude",
            "latitude", "qpvs", "themes", "publics", "offers", "offers_detail", "needs", "needs_detail", "website",
            "description", "public_listing",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = (
            self.fields["commune"].queryset.filter(epci__isnull=False).order_by("name")
        )
        self.fields[
            "qpvs"
        ].help_text = "Laissez vide : Coopérer propose les QPV d'après l'adresse (coordonnées ou commune)."
        self.fields["qpvs"].queryset = (
            self.fields["qpvs"].queryset.filter(communes__epci__isnull=False).distinct()
        )


class LinkForm(forms.ModelForm):
    class Meta:
        model = CooperationLink
        fields = ["target", "kind", "start", "end", "evidence", "description"]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}),
            "end": forms.DateInput(attrs={"type": "date"}),
        }
        labels = {"target": "Structure partenaire"}

    def __init__(self, *args, source, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.source = source
        self.fields["target"].queryset = Structure.objects.active().exclude(pk=source.pk)

    def clean_start(self):
        start = self.cleaned_data["start"]
        if start and start > timezone.localdate():
            raise forms.ValidationError(
                "Ce début est dans le futur : enregistrez le lien quand la coopération a commencé."
            )
        return start


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Fichier", help_text="CSV (séparateur ; ou ,), Excel .xlsx, ou fichier ANCT .json."
    )

    def clean_file(self):
        return check_upload(self.cleaned_data["file"], TABLE_SUFFIXES)


def epcis_with_structures():
    """EPCIs where at least one active structure is located (one indexed probe per EPCI)."""
    located = Structure.objects.filter(commune__epci=OuterRef("pk"), merged_into__isnull=True)
    return Epci.objects.filter(Exists(located)).only("pk", "name").order_by("name")


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(
        label="Rechercher",
        required=False,
        max_length=100,
        help_text="Nom, sigle, thème, commune, QPV, SIRET, SIREN ou RNA.",
    )
    epci = forms.ModelChoiceField(
        label="Territoire",
        queryset=epcis_with_structures(),
        required=False,
        empty_label="Tous",
    )
    theme = forms.ModelChoiceField(
        label="Thématique", queryset=Theme.objects.all(), required=False, empty_label="Toutes"
    )


def _network_years():
    return [("", "Toutes")] + [(y, y) for y in range(2018, timezone.localdate().year + 1)]


class NetworkFilterForm(forms.Form):
    epci = forms.ModelChoiceField(
        label="Territoire",
        queryset=epcis_with_structures(),
        required=False,
        empty_label="Tous",
    )
    theme = forms.ModelChoiceField(
        label="Thématique", queryset=Theme.objects.all(), required=False, empty_label="Toutes"
    )
    kind = forms.ChoiceField(label="Type de lien", choices=[("", "Tous"), *LinkKind.choices], required=False)
    year = forms.TypedChoiceField(
        label="Année",
        coerce=int,
        required=False,
        empty_value=None,
        choices=_network_years,
    )


class PersonForm(forms.ModelForm):
    consent = forms.BooleanField(
        label="La personne a accepté que ses coordonnées professionnelles figurent dans Coopérer",
        help_text="Elles sont visibles des seules personnes ayant un rôle sur la plateforme, et supprimées à la date de conservation.",
    )

    class Meta:
        model = Person
        fields = ["first_name", "last_name", "role", "email", "phone", "retain_until"]
        widgets = {"retain_until": forms.DateInput(attrs={"type": "date"})}
        help_texts = {"retain_until": "Par défaut : trois ans après la saisie."}


class ContactForm(forms.ModelForm):
    """Correcting a contact: the same fields, the consent already given."""

    class Meta(PersonForm.Meta):
        pass


class NeedForm(forms.Form):
    needs = forms.MultipleChoiceField(
        label="Ce que vous cherchez", choices=Resource.choices, widget=forms.CheckboxSelectMultiple
    )
    publics = forms.ModelMultipleChoiceField(
        label="Pour quels publics", queryset=Public.objects.all(), required=False
    )
    themes = forms.ModelMultipleChoiceField(
        label="Autour de quelles thématiques", queryset=Theme.objects.all(), required=False
    )
    qpvs = forms.ModelMultipleChoiceField(
        label="Dans quels quartiers",
        queryset=Qpv.objects.filter(structures__isnull=False).distinct().only("pk", "code", "name"),
        required=False,
    )
    epci = forms.ModelChoiceField(
        label="Sur quel territoire",
        queryset=epcis_with_structures(),
        required=False,
        empty_label="Celui des quartiers choisis, sinon partout",
    )


class ThemeForm(forms.ModelForm):
    class Meta:
        model = Theme
        fields = ["name", "description"]

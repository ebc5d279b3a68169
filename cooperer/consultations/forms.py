from django import forms

from cooperer.accounts.permissions import animated_epci_ids, is_platform_admin
from cooperer.consultations.enums import AgeBand, ContributionKind, Sex
from cooperer.consultations.models import MAX_TEXT, Consultation, Session, Synthesis, Theme
from cooperer.core.uploads import check_upload
from cooperer.territories.models import Commune, ContratDeVille, Epci, Qpv

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ConsultationForm(forms.ModelForm):
    default_themes = forms.BooleanField(
        label="Partir des thèmes de la politique de la ville (modifiables ensuite)",
        required=False,
        initial=True,
    )

    class Meta:
        model = Consultation
        fields = [
            "title", "question", "other_questions", "epci", "contract", "communes", "qpvs", "starts_on", "ends_on",
            "status", "consent_text",
        ]  # fmt: skip
        widgets = {"starts_on": DATE, "ends_on": DATE, "other_questions": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        epcis = (
            Epci.objects.all()
            if is_platform_admin(user)
            else Epci.objects.filter(pk__in=animated_epci_ids(user))
        )
        self.fields["epci"].queryset = epcis.order_by("name")
        self.fields["contract"].queryset = ContratDeVille.objects.filter(pilot_epci__in=epcis).order_by(
            "name"
        )
        self.fields["qpvs"].queryset = (
            Qpv.objects.filter(communes__epci__in=epcis)
            .distinct()
            .only("pk", "code", "name")
            .order_by("name")
        )
        self.fields["communes"].queryset = Commune.objects.filter(epci__in=epcis).only(
            "pk", "name", "insee_code"
        )
        if self.instance.pk:
            del self.fields["default_themes"]

    def clean(self):
        data = super().clean()
        epci = data.get("epci")
        if epci:
            foreign = [q.code for q in data.get("qpvs", []) if not q.communes.filter(epci=epci).exists()]
            if foreign:
                self.add_error(
                    "qpvs", f"Ces QPV ne sont pas sur le territoire choisi : {', '.join(foreign)}."
                )
        return data


class ThemeForm(forms.ModelForm):
    class Meta:
        model = Theme
        fields = ["name", "description", "position"]


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["qpv", "audience", "format", "date", "place", "facilitators", "accepts_online"]
        widgets = {"date": DATE}
        labels = {"qpv": "Quartier (QPV)"}

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.consultation = consultation
        self.fields["qpv"].queryset = consultation.qpvs.only("pk", "code", "name").order_by("name")
        self.fields["qpv"].empty_label = "Tout le territoire de la concertation"


class AttendanceForm(forms.Form):
    """Counts by sex and age band, never names."""

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        for sex in Sex:
            for band in AgeBand:
                key = f"{sex.value}:{band.value}"
                self.fields[key] = forms.IntegerField(
                    label=f"{sex.label}, {band.label.lower()}",
                    min_value=0,
                    max_value=100_000,
                    required=False,
                    initial=session.attendance.get(key, 0),
                )

    def counts(self) -> dict:
        return {key: value for key, value in self.cleaned_data.items() if value}

    def rows(self):
        """Bound fields grouped by sex, for a table of inputs."""
        return [(sex.label, [self[f"{sex.value}:{band.value}"] for band in AgeBand]) for sex in Sex]


class PublicContributionForm(forms.Form):
    kind = forms.ChoiceField(
        label="Votre contribution est plutôt…", choices=ContributionKind.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label="Votre contribution",
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_TEXT}),
        max_length=MAX_TEXT,
        help_text=f"{MAX_TEXT} caractères au plus.",
        error_messages={
            "required": "Écrivez votre contribution.",
            "max_length": "La contribution est trop longue (%(limit_value)d caractères au plus) : coupez-la en plusieurs.",
        },
    )
    anonymous = forms.BooleanField(label="Je contribue anonymement", required=False, initial=True)
    author_name = forms.CharField(
        label="Prénom ou pseudonyme (facultatif, jamais publié)", max_length=80, required=False
    )
    age_band = forms.ChoiceField(
        label="Votre tranche d'âge (facultatif)",
        choices=[("", "Je préfère ne pas le dire"), *AgeBand.choices],
        required=False,
    )
    consent = forms.BooleanField(
        label="J'ai lu le texte ci-dessus et j'accepte que ma contribution soit utilisée ainsi",
        error_messages={"required": "Cochez la case de consentement pour envoyer votre contribution."},
    )
    # Honeypot: hidden from people (CSS and aria-hidden), filled by robots.
    website = forms.CharField(label="Ne pas remplir ce champ", required=False)


class PostItForm(forms.Form):
    default_kind = forms.ChoiceField(
        label="Nature par défaut", choices=ContributionKind.choices, initial=ContributionKind.PROPOSAL
    )
    lines = forms.CharField(
        label="Post-its, un par ligne",
        widget=forms.Textarea(attrs={"rows": 8, "autofocus": True, "spellcheck": "true"}),
        help_text="Préfixe facultatif : « c: » constat ou besoin, « a: » aspiration, « p: » proposition, "
        "« r: » ressource du quartier. Ctrl+Entrée enregistre.",
    )


class ContributionImportForm(forms.Form):
    session = forms.ModelChoiceField(label="Séance", queryset=Session.objects.none())
    default_kind = forms.ChoiceField(
        label="Nature quand le fichier ne la donne pas",
        choices=ContributionKind.choices,
        initial=ContributionKind.PROPOSAL,
    )
    file = forms.FileField(
        label="Fichier", help_text="CSV (séparateur ; ou ,) ou Excel .xlsx ; export Decidim reconnu."
    )

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = consultation.sessions.select_related("qpv")

    def clean_file(self):
        return check_upload(self.cleaned_data["file"], (".csv", ".xlsx"))


class ModerationForm(forms.Form):
    reason = forms.CharField(label="Motif", max_length=300)


class ContributionFilterForm(forms.Form):
    q = forms.CharField(
        label="Rechercher dans le texte",
        required=False,
        max_length=200,
        help_text="Sans accents ni pluriels à respecter : « jeune » trouve aussi « jeunesse ».",
    )
    theme = forms.ModelChoiceField(
        label="Thème", queryset=Theme.objects.none(), required=False, empty_label="Tous"
    )
    qpv = forms.ModelChoiceField(
        label="Quartier", queryset=Qpv.objects.none(), required=False, empty_label="Tous"
    )
    audience = forms.ChoiceField(label="Public", required=False)
    kind = forms.ChoiceField(
        label="Nature", choices=[("", "Toutes"), *ContributionKind.choices], required=False
    )
    state = forms.ChoiceField(
        label="État",
        choices=[
            ("", "Visibles"),
            ("nouvelles", "Nouvelles (7 derniers jours)"),
            ("a_relire", "À relire (formulaire public, non modérées)"),
            ("masquees", "Masquées"),
            ("toutes", "Toutes"),
        ],
        required=False,
    )
    display = forms.ChoiceField(
        label="Affichage",
        choices=[("", "Détaillé"), ("compact", "Compact (une ligne par contribution)")],
        required=False,
    )

    def __init__(self, *args, consultation, moderator: bool, **kwargs):
        from cooperer.consultations.enums import Audience

        super().__init__(*args, **kwargs)
        if not moderator:  # hidden contributions and their reasons are for those who moderate
            del self.fields["state"]
        self.fields["qpv"].queryset = consultation.qpvs.only("pk", "code", "name").order_by("name")
        self.fields["audience"].choices = [("", "Tous"), *Audience.choices]
        self.fields["theme"].queryset = consultation.themes.all()


class SynthesisForm(forms.ModelForm):
    class Meta:
        model = Synthesis
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 10})}
        labels = {"text": "Texte de la synthèse"}
        help_texts = {"text": "Ce que vous retenez ; les chiffres et les citations à côté restent calculés."}

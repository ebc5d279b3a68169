from django import forms
from django.db.models import Exists, OuterRef

from cooperer.actors.models import Public, Theme
from cooperer.communities.enums import SDG_LABELS
from cooperer.knowledge.enums import FactorKind, Licence, RecordStatus
from cooperer.knowledge.models import Factor, Record
from cooperer.territories.models import Epci, Qpv

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LINES_HELP = "Une ligne par {what}, sous la forme « {example} »."


def _lines(value: str) -> list[tuple[str, str]]:
    """« Nom : rôle » lines as (name, rest); a line without « : » is a name alone."""
    out = []
    for line in (value or "").splitlines():
        if not line.strip():
            continue
        name, _, rest = line.partition(":")
        out.append((name.strip()[:250], rest.strip()))
    return out


class RecordForm(forms.ModelForm):
    sdgs = forms.TypedMultipleChoiceField(
        label="Objectifs de développement durable", coerce=int, required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(n, f"ODD {n} — {label}") for n, label in SDG_LABELS.items()],
    )  # fmt: skip
    actors_text = forms.CharField(
        label="Acteurs et leurs rôles", required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=LINES_HELP.format(what="acteur", example="Centre social : anime le comité technique"),
    )  # fmt: skip
    steps_text = forms.CharField(
        label="Étapes de la méthode et outils", required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=LINES_HELP.format(what="étape", example="Diagnostic partagé : deux ateliers, une grille commune"),
    )  # fmt: skip

    class Meta:
        model = Record
        fields = [
            "title", "summary", "qpvs", "starts_on", "ends_on", "themes", "publics", "context", "actors_text",
            "method", "steps_text", "results", "lessons", "sdgs", "licence",
        ]  # fmt: skip
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "qpvs": forms.CheckboxSelectMultiple,
            "themes": forms.CheckboxSelectMultiple,
            "publics": forms.CheckboxSelectMultiple,
            "licence": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        record = self.instance
        self.fields["qpvs"].queryset = (
            Qpv.objects.filter(communes__epci_id=record.epci_id).distinct().order_by("name")
        )
        self.fields["summary"].required = True
        if not self.is_bound:
            self.initial["actors_text"] = "\n".join(
                f"{a.name} : {a.role}" if a.role else a.name for a in record.actors.all()
            )
            self.initial["steps_text"] = "\n".join(
                f"{s.title} : {' '.join((s.description + ' ' + s.tools).split())}".rstrip(" :")
                for s in record.steps.all()
            )

    def save(self, commit=True):
        from cooperer.knowledge.models import RecordActor, RecordStep

        record = super().save(commit=True)
        known = {a.name: a.structure_id for a in record.actors.all()}
        record.actors.all().delete()
        RecordActor.objects.bulk_create(
            [
                RecordActor(
                    record=record, name=name, role=role[:200], structure_id=known.get(name), position=i
                )
                for i, (name, role) in enumerate(_lines(self.cleaned_data["actors_text"]))
            ]
        )
        record.steps.all().delete()
        RecordStep.objects.bulk_create(
            [
                RecordStep(record=record, title=title[:200], description=rest, position=i)
                for i, (title, rest) in enumerate(_lines(self.cleaned_data["steps_text"]))
            ]
        )
        return record


def factor_choices(request_post, factors) -> tuple[list[tuple[int, str, str]], list[str]]:
    """The levers and obstacles ticked in the form (`levier_<id>`, `frein_<id>`, `commentaire_<id>`)."""
    chosen, errors = [], []
    for factor in factors:
        comment = request_post.get(f"commentaire_{factor.pk}", "").strip()
        if len(comment) > 300:
            errors.append(f"Le commentaire sur « {factor.name} » dépasse 300 caractères.")
        for kind in FactorKind.values:
            if request_post.get(f"{kind}_{factor.pk}"):
                chosen.append((factor.pk, kind, comment[:300]))
    return chosen, errors


class StartForm(forms.Form):
    epci = forms.ModelChoiceField(label="Territoire", queryset=Epci.objects.none())
    title = forms.CharField(label="Titre", max_length=200)

    def __init__(self, *args, epci_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["epci"].queryset = Epci.objects.filter(pk__in=epci_ids).order_by("name")


class ReturnForm(forms.Form):
    comment = forms.CharField(label="Ce qu'il faut reprendre", widget=forms.Textarea(attrs={"rows": 4}))


class SearchForm(forms.Form):
    q = forms.CharField(label="Rechercher", required=False, max_length=200)
    theme = forms.ModelChoiceField(
        label="Thématique", queryset=Theme.objects.all(), required=False, empty_label="Toutes"
    )
    public = forms.ModelChoiceField(
        label="Public", queryset=Public.objects.all(), required=False, empty_label="Tous"
    )
    # The territories that have published records: one index probe per EPCI, not a scan of the records.
    territoire = forms.ModelChoiceField(
        label="Territoire", required=False, empty_label="Tous",
        queryset=Epci.objects.filter(
            Exists(Record.objects.filter(epci=OuterRef("pk"), status=RecordStatus.PUBLISHED))
        ).order_by("name"),
    )  # fmt: skip
    levier = forms.ModelChoiceField(
        label="Levier", queryset=Factor.objects.all(), required=False, empty_label="Tous"
    )
    frein = forms.ModelChoiceField(
        label="Frein", queryset=Factor.objects.all(), required=False, empty_label="Tous"
    )


LICENCES = dict(Licence.choices)

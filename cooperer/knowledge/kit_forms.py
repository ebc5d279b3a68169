"""Forms of the method kit, of « Essaimer » and of a community's open events."""

import json

from django import forms

from cooperer.actors.models import Public, Theme
from cooperer.knowledge.kit import KitStatus, content_errors
from cooperer.knowledge.models import CircleEvent, KitTemplate
from cooperer.territories.models import Qpv


class KitTemplateForm(forms.ModelForm):
    content_text = forms.CharField(
        label="Contenu (JSON)",
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false"}),
        help_text="Les champs de chaque type sont décrits sur la page du kit. Laissez « {{ date }} », "
        "« {{ qpv }} », « {{ financeur }} »… là où chaque territoire mettra les siens.",
    )

    class Meta:
        model = KitTemplate
        fields = ["kind", "title", "description", "licence", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["content_text"] = json.dumps(
                self.instance.content or {}, ensure_ascii=False, indent=2
            )
        if self.instance.pk:
            self.fields["kind"].disabled = True

    def clean_content_text(self):
        text = self.cleaned_data["content_text"]
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                f"Le contenu n'est pas du JSON valide (ligne {exc.lineno}, colonne {exc.colno}) : "
                "vérifiez les guillemets, les virgules et les accolades. Votre texte est conservé ci-dessous."
            ) from exc

    def clean(self):
        cleaned = super().clean()
        content = cleaned.get("content_text")
        kind = cleaned.get("kind") or self.instance.kind
        if content is not None and kind and cleaned.get("status") == KitStatus.PUBLISHED:
            for error in content_errors(kind, content):
                self.add_error("content_text", f"{error} (un modèle publié doit être complet)")
        return cleaned

    def save(self, commit=True):
        self.instance.content = self.cleaned_data["content_text"]
        return super().save(commit)


class SaveAsTemplateForm(forms.Form):
    title = forms.CharField(label="Titre du modèle", max_length=200)
    description = forms.CharField(
        label="Présentation", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Dans quel contexte l'outil a servi, ce qu'il faut savoir avant de le reprendre.",
    )  # fmt: skip
    licence = forms.ChoiceField(label="Licence", choices=KitTemplate._meta.get_field("licence").choices)


class SpreadForm(forms.Form):
    target_epci = forms.ModelChoiceField(
        label="Territoire d'arrivée", queryset=None, empty_label=None,
        help_text="Un territoire que vous animez.",
    )  # fmt: skip
    qpvs = forms.ModelMultipleChoiceField(
        label="QPV concernés", queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Facultatif : vous pourrez les choisir ensuite. Ils doivent être sur le territoire d'arrivée.",
    )  # fmt: skip
    place = forms.CharField(
        label="Nom du lieu d'arrivée", max_length=200, required=False,
        help_text="Par exemple « Firminy ». Sinon : les communes des QPV choisis, ou le territoire.",
    )  # fmt: skip
    note = forms.CharField(
        label="Note de filiation", max_length=300, required=False,
        help_text="Par défaut : « inspiré de Saint-Étienne, septembre 2024 ».",
    )  # fmt: skip
    spread_on = forms.DateField(
        label="Date de l'essaimage", required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Par défaut : aujourd'hui.",
    )  # fmt: skip

    def __init__(self, *args, epcis, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_epci"].queryset = epcis
        self.fields["qpvs"].queryset = (
            Qpv.objects.filter(communes__epci__in=epcis)
            .distinct()
            .order_by("name")
            .only("pk", "code", "name")
        )
        self.fields["qpvs"].label_from_instance = lambda qpv: f"{qpv.name} ({qpv.code})"


class CircleEventForm(forms.ModelForm):
    class Meta:
        model = CircleEvent
        fields = ["title", "held_on", "place", "description", "themes", "publics", "qpvs"]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 4}),
            "themes": forms.CheckboxSelectMultiple,
            "publics": forms.CheckboxSelectMultiple,
            "qpvs": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "themes": "Les structures suggérées partagent ces thématiques, ces publics ou ces quartiers.",
        }

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = Theme.objects.order_by("name")
        self.fields["publics"].queryset = Public.objects.order_by("name")
        self.fields["qpvs"].queryset = (
            Qpv.objects.filter(communes__epci=community.epci_id).distinct().order_by("name")
        )


class GuestForm(forms.Form):
    structure = forms.IntegerField(widget=forms.HiddenInput)
    email = forms.EmailField(label="Courriel", required=False)
    join = forms.BooleanField(label="Inviter aussi à rejoindre la communauté", required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("join") and not cleaned.get("email"):
            self.add_error("email", "Donnez un courriel pour inviter la structure à rejoindre la communauté.")
        return cleaned

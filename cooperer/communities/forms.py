from django import forms
from django.utils import timezone

from cooperer.actors.enums import Resource
from cooperer.actors.models import Structure
from cooperer.communities.enums import BACKBONE_MISSIONS, SDG_LABELS, Phase
from cooperer.communities.models import (
    Axis,
    Community,
    Idea,
    Instance,
    Membership,
    PlannedAction,
    WorkingGroup,
    Workshop,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
OTHER_COMMUNITY = "Cette instance n'appartient pas à cette communauté."


class CommunityForm(forms.ModelForm):
    sdgs = forms.TypedMultipleChoiceField(
        label="Objectifs de développement durable", coerce=int, required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(n, f"ODD {n} — {label}") for n, label in SDG_LABELS.items()],
    )  # fmt: skip
    needs = forms.MultipleChoiceField(
        label="Ce dont l'objectif a besoin",
        choices=Resource.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    missions = forms.MultipleChoiceField(
        label="Missions de la fonction de soutien déjà assurées", required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(m, m) for m in BACKBONE_MISSIONS],
    )  # fmt: skip

    class Meta:
        model = Community
        fields = [
            "name", "kind", "epci", "qpvs", "communes", "target_areas", "objective", "sdgs", "programme", "trinome_state",
            "trinome_local_authority", "trinome_civil_society", "backbone", "contract", "anchoring", "needs", "started_on",
        ]  # fmt: skip
        widgets = {"started_on": DATE}

    def __init__(self, *args, allowed_epcis, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["epci"].queryset = allowed_epcis
        structures = Structure.objects.active().order_by("name")
        for name in ("trinome_state", "trinome_local_authority", "trinome_civil_society", "backbone"):
            self.fields[name].queryset = structures
        self.fields["qpvs"].queryset = (
            self.fields["qpvs"].queryset.filter(communes__epci__in=allowed_epcis).distinct()
        )
        self.initial.setdefault(
            "missions", [m for m, done in (self.instance.backbone_missions or {}).items() if done]
        )

    def save(self, commit=True):
        self.instance.backbone_missions = {m: m in self.cleaned_data["missions"] for m in BACKBONE_MISSIONS}
        return super().save(commit)


class MemberForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["structure", "role", "level", "contribution", "joined_on"]
        widgets = {"joined_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = Structure.objects.active().order_by("name")


class InviteForm(forms.Form):
    structure = forms.ModelChoiceField(
        label="Structure invitée", queryset=Structure.objects.active().order_by("name")
    )
    email = forms.EmailField(label="Courriel de la personne invitée")
    role = Membership._meta.get_field("role").formfield()


class PhaseForm(forms.Form):
    phase = forms.ChoiceField(label="Nouvelle phase", choices=Phase.choices)
    on = forms.DateField(label="Date", widget=DATE, initial=timezone.localdate)
    justification = forms.CharField(
        label="Ce qui justifie ce passage", widget=forms.Textarea(attrs={"rows": 3})
    )


class LeaveForm(forms.Form):
    on = forms.DateField(label="Date du départ", widget=DATE, initial=timezone.localdate)
    reason = forms.CharField(
        label="Motif du départ", max_length=300, help_text="Il figurera dans la chronologie de la communauté.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise forms.ValidationError("Un départ se constate : la date ne peut pas être dans le futur.")
        return on


class InstanceForm(forms.ModelForm):
    class Meta:
        model = Instance
        fields = ["kind", "name"]


class MeetingForm(forms.Form):
    instance = forms.ModelChoiceField(label="Instance", queryset=Instance.objects.none())
    starts_at = forms.DateTimeField(
        label="Date et heure", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label="Lieu", required=False)
    agenda = forms.CharField(label="Ordre du jour", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    convene = forms.BooleanField(label="Envoyer la convocation aux membres par courriel", required=False)

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instance"].queryset = community.instances.all()


class DecisionForm(forms.Form):
    instance = forms.ModelChoiceField(
        label="Instance qui décide", queryset=Instance.objects.none(), required=False,
        help_text="Une décision est toujours prise par une instance.",
        error_messages={"invalid_choice": OTHER_COMMUNITY},
    )  # fmt: skip
    decided_on = forms.DateField(label="Date", widget=DATE, initial=timezone.localdate)
    text = forms.CharField(label="Décision", widget=forms.Textarea(attrs={"rows": 3}))
    actions = forms.ModelMultipleChoiceField(
        label="Actions liées", queryset=PlannedAction.objects.none(), required=False
    )

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instance"].queryset = community.instances.all()
        self.fields["actions"].queryset = PlannedAction.objects.filter(axis__roadmap__community=community)


class IdeaForm(forms.ModelForm):
    class Meta:
        model = Idea
        fields = ["text", "raised_at", "raised_on", "status", "follow_up"]
        widgets = {
            "raised_on": DATE,
            "text": forms.Textarea(attrs={"rows": 2}),
            "follow_up": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["raised_at"].queryset = self.fields["raised_at"].queryset.filter(
            instance__community=community
        )


class AxisForm(forms.ModelForm):
    class Meta:
        model = Axis
        fields = ["title", "description", "order"]


class ActionForm(forms.ModelForm):
    class Meta:
        model = PlannedAction
        fields = ["axis", "title", "lead", "partners", "status", "starts_on", "ends_on", "outcomes"]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def __init__(self, *args, roadmap, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["axis"].queryset = roadmap.axes.all()
        members = Structure.objects.filter(memberships__community=roadmap.community).distinct()
        self.fields["lead"].queryset = members
        self.fields["partners"].queryset = members


class WorkingGroupForm(forms.ModelForm):
    class Meta:
        model = WorkingGroup
        fields = ["axis", "name", "members"]

    def __init__(self, *args, roadmap, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["axis"].queryset = roadmap.axes.all()
        self.fields["members"].queryset = roadmap.community.memberships.current().select_related("structure")


class AdoptForm(forms.Form):
    instance = forms.ModelChoiceField(
        label="Adoptée par",
        queryset=Instance.objects.none(),
        error_messages={"invalid_choice": OTHER_COMMUNITY},
    )
    on = forms.DateField(label="Le", widget=DATE, initial=timezone.localdate)

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instance"].queryset = community.instances.all()


class WorkshopForm(forms.ModelForm):
    class Meta:
        model = Workshop
        fields = ["title", "held_on", "objectives", "facilitator", "attendance", "outputs", "feedback"]
        widgets = {"held_on": DATE}

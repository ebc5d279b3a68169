from django import forms

from cooperer.audit.enums import Action

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class JournalFilterForm(forms.Form):
    action = forms.ChoiceField(label="Acte", choices=[("", "Tous"), *Action.choices], required=False)
    who = forms.CharField(label="Qui (adresse électronique)", required=False, max_length=254)
    what = forms.CharField(label="Objet", required=False, max_length=200)
    since = forms.DateField(label="Depuis le", required=False, widget=DATE)
    until = forms.DateField(label="Jusqu'au", required=False, widget=DATE)
    epci = forms.TypedChoiceField(label="Territoire", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, epcis: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["epci"].choices = [("", "Tous"), *epcis]

    def filter(self, entries):
        """The entries that match the filters (all of them while the form is unbound or invalid)."""
        if not self.is_bound or not self.is_valid():
            return entries
        data = self.cleaned_data
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["who"]:
            entries = entries.filter(actor_label__icontains=data["who"].strip())
        if data["what"]:
            entries = entries.filter(object_label__icontains=data["what"].strip())
        if data["since"]:
            entries = entries.filter(created_at__date__gte=data["since"])
        if data["until"]:
            entries = entries.filter(created_at__date__lte=data["until"])
        if data["epci"]:
            entries = entries.filter(epci_id=data["epci"])
        return entries

from django import forms

from cooperer.core.uploads import check_upload

UPLOAD_SUFFIXES = (".csv", ".txt", ".xlsx")


class MeasurementUploadForm(forms.Form):
    file = forms.FileField(
        label="Fichier de mesures",
        help_text="CSV (séparateur ; ou ,, UTF-8 ou Windows-1252) ou classeur Excel .xlsx, une ligne par mesure.",
    )

    def clean_file(self):
        return check_upload(self.cleaned_data["file"], UPLOAD_SUFFIXES)

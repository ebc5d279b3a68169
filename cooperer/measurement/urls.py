from cooperer.measurement.views import (
    bilans,
    context_import,
    copil,
    home,
    indicators,
    proof,
    results,
    uploads,
)

app_name = "measurement"

urlpatterns = [
    *home.urlpatterns,
    *indicators.urlpatterns,
    *context_import.urlpatterns,
    *bilans.urlpatterns,
    *copil.urlpatterns,
    *results.urlpatterns,
    *uploads.urlpatterns,
    *proof.urlpatterns,
]

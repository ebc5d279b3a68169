from cooperer.measurement.views import bilans, copil, home, indicators, proof

app_name = "measurement"

urlpatterns = [
    *home.urlpatterns,
    *indicators.urlpatterns,
    *bilans.urlpatterns,
    *copil.urlpatterns,
    *proof.urlpatterns,
]

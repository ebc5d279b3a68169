from cooperer.measurement.views import bilans, copil, dashboards, indicators, proof

app_name = "measurement"

urlpatterns = [
    *indicators.urlpatterns,
    *bilans.urlpatterns,
    *dashboards.urlpatterns,
    *proof.urlpatterns,
    *copil.urlpatterns,
]

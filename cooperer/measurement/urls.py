from cooperer.measurement.views import bilans, copil, dashboards, home, indicators, proof

app_name = "measurement"

urlpatterns = [
    *home.urlpatterns,
    *indicators.urlpatterns,
    *bilans.urlpatterns,
    *dashboards.urlpatterns,
    *proof.urlpatterns,
    *copil.urlpatterns,
]

from cooperer.measurement.views import bilans, copil, home, indicators, results

app_name = "measurement"

urlpatterns = [
    *home.urlpatterns,
    *indicators.urlpatterns,
    *bilans.urlpatterns,
    *copil.urlpatterns,
    *results.urlpatterns,
]

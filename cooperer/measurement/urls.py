from cooperer.measurement.views import bilans, copil, home, indicators, uploads

app_name = "measurement"

urlpatterns = [
    *home.urlpatterns,
    *indicators.urlpatterns,
    *bilans.urlpatterns,
    *copil.urlpatterns,
    *uploads.urlpatterns,
]

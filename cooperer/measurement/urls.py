from cooperer.measurement.views import bilans, dashboards, indicators, proof

app_name = "measurement"

urlpatterns = [*indicators.urlpatterns, *bilans.urlpatterns, *dashboards.urlpatterns, *proof.urlpatterns]

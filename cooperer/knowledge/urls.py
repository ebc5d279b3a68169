from django.urls import path

from cooperer.knowledge.views import records

app_name = "knowledge"
urlpatterns = [
    # -- initiative records (« fiches d'expérience ») --
    path("", records.home, name="home"),
    path("fiches/nouvelle/", records.record_start, name="start"),
    path(
        "fiches/depuis-communaute/<int:community_pk>/", records.start_from_community, name="start_community"
    ),
    path(
        "fiches/depuis-action/<int:application_pk>/", records.start_from_application, name="start_application"
    ),
    path("fiches/<int:pk>/", records.record_detail, name="record"),
    path("fiches/<int:pk>/modifier/", records.record_edit, name="edit"),
    path("fiches/<int:pk>/soumettre/", records.record_submit, name="submit"),
    path("fiches/<int:pk>/publier/", records.record_publish, name="publish"),
    path("fiches/<int:pk>/renvoyer/", records.record_return, name="return"),
    path("fiches/<int:pk>/imprimer/", records.record_print, name="print"),
    path("fiches/<int:pk>/fiche.pdf", records.record_pdf, name="pdf"),
    path("leviers-et-freins/", records.factor_chart, name="factors"),
    path("donnees/fiches.json", records.export_json, name="export_json"),
    path("donnees/fiches.csv", records.export_csv, name="export_csv"),
    path("importer/", records.record_import, name="import"),
]

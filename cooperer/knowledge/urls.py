from django.urls import path

from cooperer.knowledge.views import circle, kit, records, spreading

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

# --- Kit de méthode et essaimage ---
urlpatterns += [
    path("kit/", kit.kit_index, name="kit_index"),
    path("kit/nouveau/", kit.kit_create, name="kit_create"),
    path("kit/donnees-ouvertes.json", kit.kit_open_data_json, name="kit_open_data_json"),
    path("kit/donnees-ouvertes.csv", kit.kit_open_data_csv, name="kit_open_data_csv"),
    path("kit/depuis/<slug:word>/<int:pk>/", kit.kit_from, name="kit_from"),
    path("kit/<int:pk>/", kit.kit_detail, name="kit_detail"),
    path("kit/<int:pk>/fiche.pdf", kit.kit_pdf, name="kit_pdf"),
    path("kit/<int:pk>/modifier/", kit.kit_edit, name="kit_edit"),
    path("kit/<int:pk>/essaimer/", spreading.spread_template, name="spread_template"),
    path("essaimage/", spreading.spreading_index, name="spreading_index"),
    path("essaimage/depuis/<slug:word>/<int:pk>/", spreading.spread_from, name="spread_from"),
    path("essaimage/<int:pk>/", spreading.spreading_detail, name="spreading_detail"),
    path("evenements/communaute/<int:community_pk>/", circle.events, name="events"),
    path("evenements/<int:pk>/", circle.event_detail, name="event_detail"),
    path("evenements/<int:pk>/inviter/", circle.event_invite, name="event_invite"),
    path(
        "evenements/<int:pk>/invitees/<int:guest_pk>/inscription/",
        circle.event_register,
        name="event_register",
    ),
]

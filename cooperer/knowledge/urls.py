from django.urls import path

from cooperer.knowledge.views import circle, kit, spreading

app_name = "knowledge"
urlpatterns = []

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

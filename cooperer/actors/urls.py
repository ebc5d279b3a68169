from django.urls import path

from cooperer.actors import contacts, views

app_name = "actors"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("export.csv", views.directory_export, name="export"),
    path("nouvelle/", views.structure_create, name="structure_create"),
    path("<int:pk>/", views.structure_detail, name="structure"),
    path("<int:pk>/modifier/", views.structure_edit, name="structure_edit"),
    path("<int:pk>/partenaires/", views.partners, name="partners"),
    path("<int:pk>/liens/nouveau/", views.link_create, name="link_create"),
    path("<int:pk>/contacts/nouveau/", views.person_create, name="person_create"),
    path("contacts/<int:pk>/", contacts.person_edit, name="person_edit"),
    path("contacts/<int:pk>/supprimer/", contacts.person_delete, name="person_delete"),
    path("contacts/<int:pk>/donnees.json", contacts.person_export, name="person_export"),
    path("comptes/<int:pk>/donnees.json", contacts.user_export, name="user_export"),
    path("import/", views.import_upload, name="import"),
    path("import/modele.csv", views.import_template, name="import_template"),
    path("import/<int:job_pk>/importer/", views.import_commit, name="import_commit"),
    path("partenaires/", views.partner_search, name="partner_search"),
    path("thematiques/", views.themes, name="themes"),
    path("doublons/", views.duplicates, name="duplicates"),
    path("doublons/fusionner/", views.merge, name="merge"),
    path("reseau/", views.network, name="network"),
    path("reseau/indicateurs.csv", views.network_metrics_csv, name="network_metrics_csv"),
    path("reseau/graphe.<str:fmt>", views.network_graph_export, name="network_export"),
]

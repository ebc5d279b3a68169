from django.urls import path

from cooperer.calls import applying, committee, dossier, home, instruction, receipt, views

app_name = "calls"

urlpatterns = [
    path("", views.call_list, name="list"),
    path("nouvel/", views.call_create, name="create"),
    path("demandes/", home.application_list, name="applications"),
    path("subventions.csv", views.scdl_export, name="scdl_all"),
    path("import-scdl/", views.scdl_import, name="scdl_import"),
    path("import-scdl/<int:job_pk>/valider/", views.scdl_commit, name="scdl_commit"),
    path("<int:pk>/subventions.csv", views.scdl_export, name="scdl"),
    path("<int:pk>/", views.call_detail, name="detail"),
    path("<int:pk>/modifier/", views.call_edit, name="edit"),
    path("<int:call_pk>/comite/", committee.committee, name="committee"),
    path("<int:call_pk>/comite/lot/", committee.batch, name="batch"),
    path("<int:call_pk>/comite/seances/nouvelle/", committee.session_create, name="session_create"),
    path("<int:call_pk>/comite/seances/<int:session_pk>/courriers/", committee.letters_start, name="letters"),
    path(
        "<int:call_pk>/comite/seances/<int:session_pk>/courriers/<int:job_pk>/",
        committee.letters_download,
        name="letters_download",
    ),
    path("<int:call_pk>/demandes/<int:pk>/avis/", instruction.opinion, name="opinion"),
    path("<int:call_pk>/demandes/nouvelle/", applying.application_start, name="application_start"),
    path("<int:call_pk>/demandes/<int:pk>/", applying.application_page, name="application"),
    path(
        "<int:call_pk>/demandes/<int:pk>/etapes/<slug:step>/",
        applying.application_step,
        name="application_step",
    ),
    path("<int:call_pk>/demandes/<int:pk>/champs/<str:field>/", dossier.field_save, name="application_field"),
    path("<int:call_pk>/demandes/<int:pk>/accuse-de-reception.pdf", receipt.receipt_pdf, name="receipt"),
    path("<int:call_pk>/demandes/<int:pk>/instruction/", instruction.instruction_page, name="instruction"),
    path("<int:call_pk>/demandes/<int:pk>/notes/", instruction.review, name="review"),
    path("<int:call_pk>/demandes/<int:pk>/note-privee/", instruction.private_note, name="private_note"),
    path("<int:call_pk>/demandes/<int:pk>/complements/", instruction.ask_complements, name="complements"),
    path("<int:call_pk>/demandes/<int:pk>/consortium/", instruction.consortium, name="consortium"),
    path("<int:call_pk>/demandes/<int:pk>/decision/", committee.decide, name="decide"),
    path(
        "<int:call_pk>/demandes/<int:pk>/conventions/<int:grant_pk>/",
        instruction.convention,
        name="convention",
    ),
]

from django.urls import path

from cooperer.consultations import triage, views

app_name = "consultations"

urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("nouvelle/", views.consultation_create, name="create"),
    path("<int:pk>/", views.consultation_detail, name="detail"),
    path("<int:pk>/modifier/", views.consultation_edit, name="edit"),
    path("<int:pk>/themes/", views.themes, name="themes"),
    path("<int:pk>/themes/<int:theme_pk>/supprimer/", views.theme_delete, name="theme_delete"),
    path("<int:pk>/seances/nouvelle/", views.session_create, name="session_create"),
    path("<int:pk>/seances/<int:session_pk>/", views.session_detail, name="session"),
    path("<int:pk>/seances/<int:session_pk>/affiche/", views.session_poster, name="poster"),
    path(
        "<int:pk>/seances/<int:session_pk>/affiche.pdf",
        views.session_poster,
        {"as_pdf": True},
        name="poster_pdf",
    ),
    path("<int:pk>/seances/<int:session_pk>/saisie/", views.post_its, name="post_its"),
    path("<int:pk>/import/", views.import_upload, name="import"),
    path("import/<int:job_pk>/valider/", views.import_commit, name="import_commit"),
    path("<int:pk>/contributions/", triage.contributions, name="contributions"),
    path("<int:pk>/contributions/trier/", triage.contributions_bulk, name="contributions_bulk"),
    path("<int:pk>/analyse/", views.analysis_page, name="analysis"),
    path("<int:pk>/analyse/lancer/", views.analysis_start, name="analysis_start"),
    path("<int:pk>/contributions/<int:contribution_pk>/theme/", views.tag_decide, name="tag_decide"),
    path("<int:pk>/quartiers/<str:code>/", views.qpv_synthesis, name="qpv_synthesis"),
    path("<int:pk>/quartiers/<str:code>/imprimer/", views.qpv_synthesis_print, name="qpv_synthesis_print"),
    path(
        "<int:pk>/quartiers/<str:code>/synthese.pdf",
        views.qpv_synthesis_print,
        {"as_pdf": True},
        name="qpv_synthesis_pdf",
    ),
    path("<int:pk>/contributions.csv", views.contributions_export, {"fmt": "csv"}, name="export_csv"),
    path("<int:pk>/contributions.xlsx", views.contributions_export, {"fmt": "xlsx"}, name="export_xlsx"),
    path(
        "<int:pk>/contributions/<int:contribution_pk>/moderer/",
        views.contribution_moderate,
        name="moderate",
    ),
]

from django.urls import path

from cooperer.territories import views

app_name = "territories"
urlpatterns = [
    path("", views.index, name="index"),
    path("recherche/", views.search, name="search"),
    path("regions/<str:code>/", views.region_detail, name="region"),
    path("departements/<str:code>/", views.departement_detail, name="departement"),
    path("epci/<str:siren>/", views.epci_detail, name="epci"),
    path("communes/<str:insee_code>/", views.commune_detail, name="commune"),
    path("qpv/", views.qpv_list, name="qpv_list"),
    path("qpv-au-point/", views.qpv_at_point, name="qpv_at_point"),
    path("qpv/<str:code>/", views.qpv_detail, name="qpv"),
    path("contrats/", views.contract_list, name="contract_list"),
    path("contrats/<slug:slug>/", views.contract_detail, name="contract"),
    path("contrats/<slug:slug>/modifier/", views.contract_edit, name="contract_edit"),
    path(
        "contrats/<slug:slug>/quartiers-cibles/nouveau/", views.target_area_create, name="target_area_create"
    ),
    path("quartiers-cibles/<int:pk>/", views.target_area_detail, name="target_area"),
    path("import/", views.reference_import, name="import"),
]

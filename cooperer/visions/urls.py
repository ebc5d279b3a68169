from django.urls import path

from cooperer.visions import views

app_name = "visions"

urlpatterns = [
    path("", views.vision_list, name="list"),
    path("nouvelle/", views.vision_create, name="create"),
    path("<int:pk>/", views.vision_detail, name="detail"),
    path("<int:pk>/modifier/", views.vision_edit, name="edit"),
    path("<int:pk>/brouillon/", views.draft, name="draft"),
    path("<int:pk>/fonder/", views.ground_page, name="ground"),
    path("<int:pk>/theorie/", views.theory, name="theory"),
    path("<int:pk>/theorie.svg", views.diagram_export, {"fmt": "svg"}, name="diagram_svg"),
    path("<int:pk>/theorie.png", views.diagram_export, {"fmt": "png"}, name="diagram_png"),
    path("<int:pk>/theorie.pdf", views.diagram_export, {"fmt": "pdf"}, name="diagram_pdf"),
    path(
        "<int:pk>/hypotheses/<int:assumption_pk>/statut/", views.assumption_status, name="assumption_status"
    ),
    path("<int:pk>/adopter/", views.adopt, name="adopt"),
    path("<int:pk>/reviser/", views.revise, name="revise"),
    path("<int:pk>/comparer/", views.compare, name="compare"),
    path("<int:pk>/assembler/", views.assemble, name="assemble"),
    path("<int:pk>/elements/<int:element_pk>/ailleurs/", views.element_elsewhere, name="elsewhere"),
]

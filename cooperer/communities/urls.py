from django.urls import path

from cooperer.communities import views

app_name = "communities"
urlpatterns = [
    path("", views.community_list, name="list"),
    path("nouvelle/", views.community_create, name="create"),
    path("invitation/<str:token>/", views.accept, name="accept"),
    path("<int:pk>/", views.community_detail, name="detail"),
    path("<int:pk>/modifier/", views.community_edit, name="edit"),
    path("<int:pk>/reseau/", views.community_network, name="network"),
    path("<int:pk>/membres/nouveau/", views.member_add, name="member_add"),
    path("<int:pk>/membres/<int:membership_pk>/depart/", views.member_leave, name="member_leave"),
    path("<int:pk>/inviter/", views.invite, name="invite"),
    path("<int:pk>/phase/", views.phase_change, name="phase"),
    path("<int:pk>/instances/nouvelle/", views.instance_create, name="instance_create"),
    path("<int:pk>/reunions/nouvelle/", views.meeting_create, name="meeting_create"),
    path("reunions/<int:meeting_pk>/", views.meeting_detail, name="meeting"),
    path("<int:pk>/decisions/", views.decisions, name="decisions"),
    path("<int:pk>/decisions/nouvelle/", views.decision_create, name="decision_create"),
    path("<int:pk>/idees/nouvelle/", views.idea_create, name="idea_create"),
    path("<int:pk>/idees/<int:idea_pk>/", views.idea_edit, name="idea_edit"),
    path("<int:pk>/ateliers/nouveau/", views.workshop_create, name="workshop_create"),
    path("<int:pk>/feuille-de-route/nouvelle-version/", views.roadmap_new, name="roadmap_new"),
    path("<int:pk>/feuille-de-route/comparer/", views.roadmap_compare, name="roadmap_compare"),
    path("feuilles-de-route/<int:roadmap_pk>/", views.roadmap_detail, name="roadmap"),
    path("feuilles-de-route/<int:roadmap_pk>/axes/nouveau/", views.axis_create, name="axis_create"),
    path("feuilles-de-route/<int:roadmap_pk>/actions/nouvelle/", views.action_create, name="action_create"),
    path(
        "feuilles-de-route/<int:roadmap_pk>/actions/<int:action_pk>/", views.action_edit, name="action_edit"
    ),
    path("feuilles-de-route/<int:roadmap_pk>/adopter/", views.roadmap_adopt, name="roadmap_adopt"),
    path(
        "feuilles-de-route/<int:roadmap_pk>/groupes/nouveau/",
        views.working_group_create,
        name="working_group_create",
    ),
    path("<int:pk>/chronologie/", views.timeline, name="timeline"),
    path("<int:pk>/fiche/", views.fiche, name="fiche"),
]

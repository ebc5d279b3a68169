from django.contrib import admin
from django.urls import include, path

from cooperer.actors.views import public_directory
from cooperer.consultations.views import public_form, public_thanks
from cooperer.measurement.views.public import ou_en_est_on
from cooperer.visions.views import public_vision

urlpatterns = [
    path("", include("cooperer.core.urls")),
    path("comptes/moi/jetons/", include("cooperer.api.token_urls")),
    path("comptes/", include("cooperer.accounts.urls")),
    path("api/", include("cooperer.api.urls")),
    path("territoires/", include("cooperer.territories.urls")),
    path("traitements/", include("cooperer.jobs.urls")),
    path("acteurs/", include("cooperer.actors.urls")),
    path("communautes/", include("cooperer.communities.urls")),
    path("concertations/", include("cooperer.consultations.urls")),
    path("visions/", include("cooperer.visions.urls")),
    path("appels/", include("cooperer.calls.urls")),
    path("mesure/", include("cooperer.measurement.urls")),
    path("capitalisation/", include("cooperer.knowledge.urls")),
    path("journal/", include("cooperer.audit.urls")),
    path("c/<str:token>/", public_form, name="public_form"),
    path("c/<str:token>/merci/", public_thanks, name="public_thanks"),
    path("notre-quartier/<str:code>/", public_vision, name="public_vision"),
    path("notre-quartier/<str:code>/ou-en-est-on/", ou_en_est_on, name="public_follow_up"),
    path("annuaire/<str:siren>/", public_directory, name="public_directory"),
    path("admin/", admin.site.urls),
]

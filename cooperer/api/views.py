from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.permissions import AllowAny

from cooperer.api.problems import problem


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@permission_classes([AllowAny])
@throttle_classes([])
def not_found(request, *args, **kwargs):
    return problem(
        404, "Aucune opération de l'API à cette adresse : voir /api/v1/docs/.", instance=request.path
    )

"""What knowledge says on the pages of the apps below it (settings.COOPERER_OBJECT_NOTICES): that the object is
a copy (« inspiré de Saint-Étienne, septembre 2024 ») and what it still has to adapt, warned before it is used;
to its animatrices, « Enregistrer comme modèle » and « Essaimer », and for a community its open events. At most
three queries and the checklist's reads: the lineage of the object, the copies made from it."""

from django.urls import reverse

from cooperer.core.home import Notice
from cooperer.core.typography import count_of, names_list
from cooperer.knowledge import extract
from cooperer.knowledge.models import Lineage
from cooperer.knowledge.spreading import SOURCE_MODELS, can_spread_to, checklist

WORDS = {label.lower(): word for word, label in SOURCE_MODELS.items()}


def notices(obj, user) -> list[Notice]:
    word = WORDS.get(obj._meta.label_lower)
    if word is None or not user.is_authenticated:
        return []
    result = []
    lineage = Lineage.objects.filter(target_type=obj._meta.label_lower, target_id=obj.pk).first()
    if lineage is not None:
        left = checklist(lineage, obj)
        text = f"Copie {lineage.note}."
        if left:
            text += (
                f" À adapter avant usage : {len(left)} point{'s' if len(left) > 1 else ''} "
                f"(premier : {left[0].text[:1].lower()}{left[0].text[1:]})"
            )
        result.append(Notice(text, lineage.get_absolute_url(), "Voir ce qu'il reste à adapter", bool(left)))
    spread_to = list(
        Lineage.objects.filter(source_type=obj._meta.label_lower, source_id=obj.pk)
        .order_by("spread_on", "pk")
        .values_list("target_place", flat=True)
    )
    if spread_to:
        places = list(dict.fromkeys(spread_to))
        result.append(
            Notice(
                f"Cet outil a été repris {count_of(len(spread_to), 'fois', 'fois')} : {names_list(places)}.",
                reverse("knowledge:spreading_index"),
                "Voir l'essaimage de la méthode",
            )
        )
    if can_spread_to(user, obj.epci):
        result.append(
            Notice(
                "Cet outil a fait ses preuves ?",
                reverse("knowledge:kit_from", args=[word, obj.pk]),
                "Enregistrer comme modèle du kit",
            )
        )
        result.append(
            Notice(
                "Le reprendre sur un autre territoire :",
                reverse("knowledge:spread_from", args=[word, obj.pk]),
                "Essaimer",
            )
        )
        if extract.kind_of(obj) == "charte":
            result.append(
                Notice(
                    "Sa matrice de complémentarité peut servir ailleurs :",
                    reverse("knowledge:kit_from", args=[word, obj.pk]) + "?type=matrice",
                    "Enregistrer la matrice comme modèle",
                )
            )
            result.append(
                Notice(
                    "Élargir le cercle :",
                    reverse("knowledge:events", args=[obj.pk]),
                    "Ses événements ouverts (assises, forums…)",
                )
            )
    return result

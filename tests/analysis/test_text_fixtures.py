"""A small hand-written consultation: the 12 themes of politique de la ville with a one-line description each,
and contributions phrased as residents, professionals and young people say things (fictional)."""

from cooperer.analysis.text import Contribution, Theme

THEMES = [
    Theme(
        "Emploi et insertion",
        "Trouver un travail, se former, accompagnement vers l'emploi, chantiers d'insertion",
    ),
    Theme("Éducation et réussite", "École, collège, soutien scolaire, décrochage, réussite éducative"),
    Theme("Jeunesse", "Lieux et activités pour les jeunes, animateurs, engagement des adolescents"),
    Theme("Santé", "Accès aux soins, médecins, santé mentale, prévention"),
    Theme("Logement et cadre de vie", "Logements, immeubles, rénovation, propreté, espaces publics"),
    Theme("Tranquillité publique", "Sécurité, incivilités, trafics, sentiment d'insécurité, médiation"),
    Theme("Mobilité", "Transports en commun, bus, tram, vélo, stationnement"),
    Theme(
        "Lien social et vie associative",
        "Se rencontrer, fêtes de quartier, associations, entraide entre voisins",
    ),
    Theme("Culture et sport", "Équipements sportifs, clubs, bibliothèque, activités culturelles"),
    Theme("Transition écologique", "Nature en ville, jardins, énergie, déchets, climat"),
    Theme(
        "Accès aux droits et services publics", "Démarches administratives, CAF, numérique, France services"
    ),
    Theme("Participation citoyenne", "Être écouté, conseil citoyen, décider ensemble, concertation"),
]

# (expected theme, text)
TEXTS = [
    ("Emploi et insertion", "Il n'y a pas de travail pour les jeunes diplômés du quartier."),
    ("Emploi et insertion", "Des formations au permis et aux métiers du bâtiment pour les chômeurs."),
    ("Emploi et insertion", "Une entreprise d'insertion qui embauche les habitants."),
    ("Emploi et insertion", "Aider les mamans à trouver un emploi avec des horaires compatibles."),
    ("Éducation et réussite", "Du soutien scolaire gratuit le soir pour les collégiens."),
    ("Éducation et réussite", "Les classes de l'école primaire sont surchargées."),
    ("Éducation et réussite", "Lutter contre le décrochage des élèves au collège."),
    ("Éducation et réussite", "Plus d'enseignants remplacés quand ils sont absents à l'école."),
    ("Jeunesse", "Un local pour les jeunes ouvert le soir avec des animateurs."),
    ("Jeunesse", "Les adolescents n'ont rien à faire pendant les vacances."),
    ("Jeunesse", "Des sorties et des séjours pour les jeunes du quartier."),
    ("Jeunesse", "Que les jeunes puissent monter leurs projets et s'engager."),
    ("Santé", "Il n'y a plus de médecin généraliste dans le quartier."),
    ("Santé", "Une maison de santé avec des infirmiers et un dentiste."),
    ("Santé", "Les délais pour voir un psychologue sont trop longs."),
    ("Santé", "Des actions de prévention contre le diabète et l'obésité."),
    ("Logement et cadre de vie", "L'ascenseur de notre immeuble est en panne depuis des semaines."),
    ("Logement et cadre de vie", "Les logements sont humides et mal isolés, le bailleur ne fait rien."),
    ("Logement et cadre de vie", "Rénover les façades et les halls des immeubles."),
    ("Logement et cadre de vie", "Les loyers augmentent mais les appartements restent vétustes."),
    ("Tranquillité publique", "On ne se sent pas en sécurité le soir à cause du trafic de drogue."),
    ("Tranquillité publique", "Les rodéos de motos la nuit empêchent de dormir."),
    ("Tranquillité publique", "Des médiateurs et plus de police dans les rues."),
    ("Tranquillité publique", "Les agressions et les incivilités font peur aux personnes âgées."),
    ("Mobilité", "Le bus passe trop rarement le soir et le dimanche."),
    ("Mobilité", "Prolonger la ligne de tram jusqu'au quartier."),
    ("Mobilité", "Des pistes cyclables sécurisées pour aller en centre-ville."),
    ("Mobilité", "Il manque des places de stationnement pour les voitures."),
    ("Lien social et vie associative", "Une fête de quartier chaque été avec toutes les associations."),
    ("Lien social et vie associative", "Que les voisins se connaissent et s'entraident comme avant."),
    ("Lien social et vie associative", "Des repas partagés entre générations au centre social."),
    ("Lien social et vie associative", "Soutenir les bénévoles des associations du quartier."),
    ("Culture et sport", "Un city-stade éclairé et un gymnase ouvert le week-end."),
    ("Culture et sport", "La bibliothèque devrait ouvrir plus tard le soir."),
    ("Culture et sport", "Des cours de danse, de théâtre et de musique pour tous."),
    ("Culture et sport", "Un club de football pour les filles."),
    ("Transition écologique", "Un jardin partagé au pied des immeubles."),
    ("Transition écologique", "Planter des arbres pour avoir de l'ombre quand il fait chaud l'été."),
    ("Transition écologique", "Installer des panneaux solaires sur les toits pour économiser l'énergie."),
    ("Transition écologique", "Trier les déchets et faire du compost collectif."),
    ("Accès aux droits et services publics", "Les démarches en ligne de la CAF sont trop compliquées."),
    ("Accès aux droits et services publics", "Une permanence France services pour aider avec les papiers."),
    ("Accès aux droits et services publics", "Des ordinateurs et de l'aide au numérique pour les démarches."),
    (
        "Accès aux droits et services publics",
        "La mairie annexe a fermé, il faut aller loin pour l'administration.",
    ),
    ("Participation citoyenne", "Être écoutés par la mairie quand on signale un problème."),
    ("Participation citoyenne", "Que le conseil citoyen décide vraiment avec les élus."),
    ("Participation citoyenne", "Consulter les habitants avant de lancer les travaux."),
    (
        "Participation citoyenne",
        "Organiser des réunions de concertation le soir pour que tout le monde vienne.",
    ),
]


def contributions(audiences=("habitants", "professionnels")) -> list[Contribution]:
    return [
        Contribution(id=f"c{i}", text=text, audience=audiences[i % len(audiences)])
        for i, (_, text) in enumerate(TEXTS)
    ]


def expected() -> dict[str, str]:
    return {f"c{i}": theme for i, (theme, _) in enumerate(TEXTS)}


def test_the_fixture_gives_each_of_the_twelve_themes_four_contributions():
    counts = {
        theme.name: sum(expected_theme == theme.name for expected_theme, _ in TEXTS) for theme in THEMES
    }

    assert len(THEMES) == 12
    assert set(counts.values()) == {4}

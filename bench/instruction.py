"""Speed and recall of the screening of applications (`cooperer.analysis.overlaps`): overlaps between
applications, double submissions, coherence with the vision elements they declare.

Targets (issue): one report (the overlaps of one application against 20,000, and its coherence) in ≤ 300 ms;
all the overlapping pairs of 20,000 applications in ≤ 30 s on 2 cores.

Generated applications (seeded, not timed): 37 actions of politique de la ville (youth places in the evening,
chantiers d'insertion, homework help, shared gardens, night mediation, digital inclusion…) in 10 themes, each
written from its own pools of titles, purposes and activities (synonyms, several phrasings), with sentences on
the place, the schedule, the partners and the evaluation drawn from common pools; 200 QPVs in 40 towns (a few
QPVs hold many more applications than others), 30 publics, 9 calls, 11 funders, 3,000 structures working in
one town, periods of 2 to 24 months starting over three years (2025–2027); each application declares the vision
elements of its action, and one in seven also declares one of another theme (planted: the text does not
support it). Planted: 5 % competing pairs (another structure of the same town, same QPV, same public, same
action written independently, overlapping period) and 1.5 % double submissions (same structure, same QPVs, the
text copied with a sentence dropped and a few words changed, another call or funder, dates shifted by at most
two months): 1,000 and 300 of 20,000.

Measured: `build_s` (lemmatisation and vectorisation of all texts), one report (`overlaps(id, 10)` +
`coherence(text, elements, declared, index=index)`) for `--queries` applications, p50/p95; `all_pairs_s`
(the whole iterator consumed, Overlap objects with their reasons built), `peak_rss_mb`. Checked: planted
competing pairs found by `all_pairs` at the threshold and in the top 10 of `overlaps` (the first 500); double submissions
flagged `duplicate`, and how many flagged pairs were not planted; coherence on 2,000 applications: declared
elements of the action supported, planted wrong declarations reported `unsupported`, elements suggested as
`undeclared`.

Run: .venv/bin/python bench/instruction.py [--projects 20000] [--queries 50] [--threshold 0.6] [--seed 42]
Prints one JSON object on stdout; progress on stderr.
"""

import argparse
import datetime
import json
import os
import platform
import random
import resource
import sys
import time

from cooperer.analysis.overlaps import DEFAULT_PAIR_THRESHOLD, OverlapIndex, Project, coherence

TARGET_REPORT_MS = 300
TARGET_ALL_PAIRS_S = 30
QPVS, TOWNS, STRUCTURES = 200, 40, 3_000
COMPETING_SHARE, DUPLICATE_SHARE = 0.05, 0.015  # of the applications: 1,000 and 300 of 20,000
FIRST_DAY = datetime.date(2025, 1, 1)

ELEMENTS = {
    "J1": "Des lieux pour les jeunes, ouverts le soir et le week-end",
    "J2": "Des jeunes qui mènent leurs propres projets",
    "EM1": "Un emploi ou une formation pour chaque habitant",
    "EM2": "Des femmes qui accèdent à l'emploi",
    "ED1": "La réussite scolaire de tous les enfants",
    "ED2": "Des parents associés à la vie de l'école",
    "SA1": "Un meilleur accès aux soins et à la prévention",
    "SA2": "Une écoute pour la santé mentale",
    "CV1": "Des espaces publics apaisés et agréables",
    "CV2": "Un quartier plus vert, avec des jardins",
    "CV3": "Un quartier propre et bien entretenu",
    "TR1": "Se sentir en sécurité dans les rues, le jour comme la nuit",
    "LS1": "Des occasions de se rencontrer entre voisins",
    "LS2": "Rompre l'isolement des personnes âgées",
    "CS1": "Le sport et la culture accessibles à tous",
    "CS2": "Des filles et des femmes dans les clubs de sport",
    "AD1": "Un accès aux droits sans obstacle",
    "AD2": "Personne laissé de côté par le numérique",
    "TE1": "Des logements économes en énergie et des factures maîtrisées",
    "TE2": "Se déplacer à vélo et à pied dans le quartier",
}

# theme -> actions: (titles, purposes, activities, publics, elements)
ACTIONS = {
    "jeunesse": [
        (["Un local pour les jeunes ouvert le soir", "Accueil jeunes en soirée", "Espace jeunes du quartier"],
         ["offrir aux jeunes un lieu à eux, encadré, en soirée et le week-end",
          "proposer aux 16-25 ans un lieu d'accueil ouvert tard, avec des animateurs"],
         ["un accueil libre trois soirs par semaine", "des tournois de jeux vidéo et de ping-pong",
          "l'écoute et l'orientation par un animateur", "des projets montés par les jeunes eux-mêmes",
          "des sorties le samedi", "une aide pour passer le permis de conduire"],
         ["jeunes 16-25", "adolescents 12-15", "jeunes NEET"], ["J1"]),
        (["Animations de rue pendant les vacances", "Été au pied des tours", "Quartier d'été animé"],
         ["occuper les vacances d'été des enfants et des ados qui ne partent pas",
          "animer les espaces extérieurs pendant les vacances scolaires"],
         ["des jeux et des structures gonflables au pied des immeubles", "des tournois de foot sur le city-stade",
          "des ateliers de graff et de danse", "des soirées cinéma en plein air", "des goûters partagés avec les familles",
          "une présence d'animateurs jusqu'à 22 heures"],
         ["enfants 6-11", "adolescents 12-15", "familles"], ["J1", "LS1"]),
        (["Séjours et mobilité européenne des jeunes", "Partir pour grandir", "Découvrir l'Europe"],
         ["permettre à des jeunes qui ne sont jamais partis de voyager et de s'ouvrir au monde",
          "organiser des séjours préparés et financés par les jeunes"],
         ["la préparation du séjour en groupe", "des actions d'autofinancement", "un échange avec des jeunes allemands",
          "un carnet de voyage et une restitution aux familles", "le montage des dossiers Erasmus+"],
         ["jeunes 16-25", "adolescents 12-15"], ["J2"]),
        (["Fabrique à projets de jeunes", "Junior association du quartier", "Les jeunes s'engagent"],
         ["accompagner les jeunes qui veulent monter leur propre projet, de l'idée à sa réalisation",
          "soutenir l'engagement des jeunes dans la vie du quartier"],
         ["un appel à idées auprès des jeunes", "un accompagnement à la création d'une junior association",
          "une bourse aux projets jugée par un jury de jeunes", "des missions de service civique",
          "des formations à la prise de parole"],
         ["jeunes 16-25", "lycéens"], ["J2"]),
        (["Éducateurs de rue", "Présence éducative de proximité", "Prévention spécialisée renforcée"],
         ["aller vers les jeunes en rupture, au pied des immeubles, pour renouer le lien",
          "prévenir la marginalisation des jeunes éloignés des institutions"],
         ["des tournées de rue en fin de journée", "un accompagnement individuel vers la formation",
          "des chantiers éducatifs rémunérés", "un travail avec les familles", "une permanence au collège"],
         ["jeunes 16-25", "décrocheurs scolaires"], ["TR1", "J2"]),
    ],
    "emploi": [
        (["Chantier d'insertion rénovation des halls", "Chantier d'insertion bâtiment", "Rénover et se former"],
         ["remettre en activité des demandeurs d'emploi du quartier par un chantier rémunéré",
          "qualifier des habitants aux métiers du second œuvre en rénovant les parties communes"],
         ["la peinture des halls et des cages d'escalier", "une formation aux métiers du bâtiment",
          "un accompagnement socioprofessionnel individuel", "des contrats de six mois renouvelables",
          "un partenariat avec le bailleur social", "une préparation aux entretiens d'embauche"],
         ["demandeurs d'emploi", "bénéficiaires du RSA"], ["EM1"]),
        (["Forum emploi du quartier", "Job dating au centre social", "Rencontres emploi"],
         ["rapprocher les entreprises qui recrutent des habitants qui cherchent un travail",
          "faire connaître les offres d'emploi et les métiers qui recrutent"],
         ["un forum avec trente entreprises", "des ateliers CV et lettre de motivation",
          "des simulations d'entretien", "la présence de France Travail et de la mission locale",
          "des visites d'entreprises"],
         ["demandeurs d'emploi", "jeunes diplômés", "jeunes NEET"], ["EM1"]),
        (["Vers l'emploi au féminin", "Femmes et emploi", "Cap emploi pour les mères"],
         ["accompagner les femmes éloignées de l'emploi vers un travail ou une formation",
          "lever les freins à l'emploi des mères du quartier : garde d'enfants, mobilité, confiance"],
         ["des ateliers collectifs de confiance en soi", "une solution de garde pendant les ateliers",
          "un accompagnement individuel vers la formation", "des stages en entreprise",
          "des cours de français à visée professionnelle"],
         ["femmes", "mères isolées", "familles monoparentales"], ["EM2", "EM1"]),
        (["Permis de conduire solidaire", "Mobilité vers l'emploi", "Auto-école sociale"],
         ["lever le frein de la mobilité pour accéder à l'emploi",
          "financer et accompagner le permis de conduire des demandeurs d'emploi"],
         ["des cours de code adaptés", "des heures de conduite à tarif réduit", "un prêt de scooter",
          "un atelier sur les transports en commun", "un lien avec les employeurs de la zone d'activité"],
         ["demandeurs d'emploi", "jeunes 16-25"], ["EM1"]),
        (["Créer son activité dans le quartier", "Incubateur des quartiers", "Entreprendre au pied des tours"],
         ["accompagner les habitants qui veulent créer leur entreprise",
          "faire éclore des projets d'entreprise portés par des habitants"],
         ["des permanences d'information sur la création d'entreprise", "un parcours de formation de huit semaines",
          "un accès à des microcrédits", "un local partagé pour tester son activité", "un parrainage par des chefs d'entreprise"],
         ["demandeurs d'emploi", "commerçants", "femmes"], ["EM1"]),
    ],
    "education": [
        (["Accompagnement à la scolarité", "Aide aux devoirs du soir", "Soutien scolaire au centre social"],
         ["aider les élèves à faire leurs devoirs et à reprendre confiance",
          "offrir un soutien scolaire gratuit aux enfants du quartier"],
         ["des séances d'aide aux devoirs quatre soirs par semaine", "des bénévoles étudiants",
          "un lien régulier avec les enseignants", "des ateliers de lecture", "un goûter avant les devoirs"],
         ["enfants 6-11", "élèves du collège"], ["ED1"]),
        (["Lutter contre le décrochage scolaire", "Raccrocher au collège", "Plus jamais sans solution"],
         ["repérer tôt les élèves qui décrochent et leur proposer une solution",
          "éviter que des collégiens exclus restent dans la rue sans cadre"],
         ["un accueil des élèves exclus temporairement", "un suivi individuel avec un référent",
          "des ateliers de remobilisation", "des rencontres avec les parents", "un travail avec la vie scolaire"],
         ["élèves du collège", "décrocheurs scolaires", "collégiens exclus"], ["ED1"]),
        (["Café des parents à l'école", "Parents et école ensemble", "La place des parents"],
         ["rapprocher les familles de l'école et les aider à suivre la scolarité de leurs enfants",
          "associer les parents à la vie de l'école"],
         ["un café des parents chaque semaine à l'école", "des rencontres avec les enseignants",
          "des ateliers sur le fonctionnement du collège", "des traductions pour les parents non francophones",
          "une sortie familles par trimestre"],
         ["parents", "familles"], ["ED2"]),
        (["Cours de français pour les parents", "Ateliers sociolinguistiques", "Apprendre le français"],
         ["permettre aux parents allophones de parler, lire et écrire le français",
          "donner aux adultes les bases du français pour la vie quotidienne"],
         ["des ateliers de français deux matins par semaine", "des sorties à la médiathèque et à la mairie",
          "un accompagnement dans les démarches", "une garde d'enfants pendant les cours"],
         ["primo-arrivants", "parents", "femmes"], ["ED2", "AD1"]),
        (["Code et robotique pour les enfants", "Atelier numérique des enfants", "Petits codeurs"],
         ["initier les enfants au code, à la robotique et à un usage critique des écrans",
          "éveiller les enfants aux sciences et au numérique"],
         ["des ateliers de programmation le mercredi", "la construction de petits robots",
          "une sensibilisation aux réseaux sociaux", "une fête de la science au quartier"],
         ["enfants 6-11", "adolescents 12-15"], ["ED1", "AD2"]),
    ],
    "sante": [
        (["Ateliers nutrition et santé", "Bien manger au quartier", "Prévention santé des familles"],
         ["prévenir le diabète et l'obésité par des ateliers de cuisine et d'activité physique",
          "sensibiliser les familles à l'alimentation et à la santé"],
         ["des ateliers de cuisine avec une diététicienne", "des dépistages gratuits avec l'infirmière",
          "des marches collectives", "des visites du marché", "des informations sur la mutuelle"],
         ["familles", "parents", "habitants"], ["SA1"]),
        (["Médiation santé", "Accès aux soins de proximité", "Santé pour tous"],
         ["aider les habitants à accéder aux soins et à leurs droits de santé",
          "accompagner vers un médecin traitant les habitants qui renoncent à se soigner"],
         ["des permanences d'une médiatrice santé", "l'ouverture des droits à la complémentaire santé",
          "des accompagnements physiques chez le médecin", "des actions de dépistage et de vaccination"],
         ["habitants", "personnes âgées isolées", "primo-arrivants"], ["SA1", "AD1"]),
        (["Point écoute santé mentale", "Écoute et soutien psychologique", "Prendre soin de soi"],
         ["offrir une écoute aux personnes en souffrance psychique, sans rendez-vous",
          "repérer et orienter les habitants en détresse psychologique"],
         ["des permanences de psychologue sans rendez-vous", "des groupes de parole",
          "une formation des professionnels au repérage", "une orientation vers le centre médico-psychologique"],
         ["jeunes 16-25", "habitants", "mères isolées"], ["SA2"]),
        (["Sport santé seniors", "Bouger après 60 ans", "Gym douce au quartier"],
         ["maintenir l'autonomie des personnes âgées par une activité physique adaptée",
          "prévenir les chutes et l'isolement par le sport"],
         ["des séances de gym douce deux fois par semaine", "des marches en groupe dans le parc",
          "des ateliers équilibre", "un goûter après la séance"],
         ["seniors", "personnes âgées isolées", "personnes en situation de handicap"], ["SA1", "LS2"]),
    ],
    "cadre_de_vie": [
        (["Jardins partagés au pied des immeubles", "Jardin collectif", "Cultiver ensemble"],
         ["créer des jardins partagés gérés par les habitants", "verdir le quartier et produire des légumes ensemble"],
         ["des parcelles cultivées par les familles", "un composteur collectif", "des ateliers de jardinage",
          "la plantation d'arbres fruitiers", "des récoltes partagées"],
         ["habitants", "familles", "seniors"], ["CV2", "LS1"]),
        (["Réaménagement de la place", "Une place pour tous", "Requalifier la place du marché"],
         ["rendre la place agréable et sûre pour tous, avec les habitants",
          "concevoir avec les habitants le nouvel aménagement de la place"],
         ["des ateliers de conception avec les habitants", "de nouveaux bancs et un meilleur éclairage",
          "la suppression du stationnement sauvage", "des plantations et des zones d'ombre", "des jeux pour enfants"],
         ["habitants", "familles"], ["CV1", "TR1"]),
        (["Gestion urbaine de proximité", "Quartier propre", "Opération propreté"],
         ["améliorer la propreté du quartier avec les habitants et le bailleur",
          "lutter contre les dépôts sauvages et les encombrants"],
         ["des diagnostics en marchant", "des opérations de ramassage des déchets", "la collecte des encombrants",
          "une sensibilisation au tri", "des ambassadeurs de la propreté"],
         ["habitants", "locataires HLM", "copropriétaires"], ["CV3"]),
        (["Fresque participative", "Embellir les halls", "Art dans la cité"],
         ["embellir les murs du quartier avec une fresque conçue par les habitants",
          "redonner de la couleur aux façades et aux halls"],
         ["des ateliers de dessin avec un artiste", "la réalisation d'une fresque sur un pignon",
          "une inauguration festive", "la participation des jeunes au chantier"],
         ["habitants", "adolescents 12-15"], ["CV1", "CS1"]),
    ],
    "tranquillite": [
        (["Médiation sociale de nuit", "Médiateurs en soirée", "Tranquillité nocturne"],
         ["apaiser les tensions et les conflits de voisinage en soirée", "assurer une présence de médiateurs la nuit"],
         ["des médiateurs présents de 18 heures à minuit", "la gestion des conflits de voisinage",
          "un lien avec la police municipale", "des actions contre les rodéos urbains"],
         ["habitants", "jeunes 16-25", "locataires HLM"], ["TR1"]),
        (["Marches exploratoires des femmes", "Les femmes et la ville", "Se sentir en sécurité dans le quartier"],
         ["identifier avec les femmes les lieux où elles ne se sentent pas en sécurité",
          "améliorer la sécurité des femmes dans l'espace public"],
         ["des marches exploratoires de nuit", "un diagnostic remis à la ville",
          "des propositions sur l'éclairage et les cheminements", "un suivi des aménagements"],
         ["femmes", "jeunes filles"], ["TR1", "CV1"]),
        (["Prévention de la délinquance des mineurs", "Prévenir la récidive", "Un adulte référent"],
         ["prévenir l'entrée des mineurs dans la délinquance et les trafics",
          "accompagner les jeunes repérés par la cellule de veille"],
         ["un suivi individuel par un éducateur", "des chantiers de réparation", "un travail avec les familles",
          "des actions de sensibilisation au collège"],
         ["adolescents 12-15", "jeunes 16-25"], ["TR1"]),
    ],
    "lien_social": [
        (["Fête de quartier", "La fête des voisins en grand", "Un été tous ensemble"],
         ["rassembler les habitants autour d'une grande fête préparée ensemble",
          "créer des occasions de rencontre entre voisins de toutes générations"],
         ["un repas partagé sur la place", "des spectacles et de la musique", "des stands des associations",
          "des jeux pour les enfants", "la préparation par un collectif d'habitants"],
         ["habitants", "familles", "tout public"], ["LS1"]),
        (["Tiers-lieu de quartier", "Café associatif", "Maison ouverte"],
         ["ouvrir un lieu convivial où les habitants se retrouvent et montent des projets",
          "créer un café associatif géré par les habitants"],
         ["un café ouvert tous les après-midi", "des ateliers proposés par les habitants",
          "une recyclerie", "des soirées jeux", "une permanence des associations"],
         ["habitants", "associations", "bénévoles"], ["LS1"]),
        (["Rompre l'isolement des aînés", "Visites de convivialité", "Voisins solidaires"],
         ["lutter contre l'isolement des personnes âgées du quartier",
          "recréer du lien autour des aînés qui vivent seuls"],
         ["des visites à domicile par des bénévoles", "des repas partagés chaque mois",
          "des appels téléphoniques réguliers", "des sorties culturelles accompagnées"],
         ["personnes âgées isolées", "seniors"], ["LS2"]),
    ],
    "culture_sport": [
        (["Foot au féminin", "Les filles au club", "Sport pour toutes"],
         ["faire venir les filles et les femmes dans les clubs de sport du quartier",
          "créer une section féminine de football"],
         ["des entraînements réservés aux filles", "des tournois mixtes", "des licences à tarif réduit",
          "des éducatrices sportives"],
         ["jeunes filles", "femmes"], ["CS2", "CS1"]),
        (["Théâtre au quartier", "Atelier théâtre et musique", "Scène ouverte"],
         ["rendre la pratique artistique accessible aux enfants et aux jeunes",
          "créer un spectacle avec les habitants"],
         ["des ateliers de théâtre hebdomadaires", "des cours de musique", "un spectacle de fin d'année",
          "des sorties au théâtre de la ville"],
         ["enfants 6-11", "adolescents 12-15", "habitants"], ["CS1"]),
        (["Bibliothèque hors les murs", "Lire au pied des tours", "Livres en balade"],
         ["amener la lecture là où vivent les familles", "donner le goût de lire aux enfants"],
         ["des lectures d'albums au pied des immeubles", "un prêt de livres gratuit", "des contes pour les tout-petits",
          "des ateliers d'écriture"],
         ["enfants 3-5", "enfants 6-11", "familles"], ["CS1", "ED1"]),
    ],
    "droits": [
        (["Permanences d'accès aux droits", "Écrivain public", "Point d'accès aux droits"],
         ["aider les habitants dans leurs démarches administratives et l'accès à leurs droits",
          "éviter les ruptures de droits des allocataires"],
         ["des permanences d'un écrivain public", "l'aide aux dossiers CAF et retraite",
          "un accompagnement vers les services publics", "des rendez-vous avec un juriste"],
         ["allocataires CAF", "habitants", "primo-arrivants"], ["AD1"]),
        (["Inclusion numérique", "Ateliers numériques pour tous", "Conseiller numérique"],
         ["accompagner les habitants éloignés du numérique dans leurs démarches en ligne",
          "apprendre à se servir d'un ordinateur et d'un téléphone"],
         ["des ateliers d'initiation à l'ordinateur", "une aide aux démarches en ligne",
          "un prêt de tablettes", "un accès libre à internet"],
         ["seniors", "personnes en situation de handicap", "allocataires CAF"], ["AD2", "AD1"]),
    ],
    "transition": [
        (["Économies d'énergie à la maison", "Précarité énergétique", "Maîtriser ses factures"],
         ["aider les locataires à réduire leurs factures d'énergie",
          "lutter contre la précarité énergétique dans les logements"],
         ["des visites à domicile d'ambassadeurs de l'énergie", "la distribution de kits d'économie d'eau",
          "des ateliers sur les factures", "un lien avec le bailleur pour les travaux d'isolation"],
         ["locataires HLM", "familles"], ["TE1"]),
        (["Atelier vélo solidaire", "Réparer son vélo", "À vélo dans le quartier"],
         ["développer l'usage du vélo dans le quartier", "apprendre à réparer et à circuler à vélo"],
         ["un atelier de réparation de vélos", "une vélo-école pour les adultes", "des balades à vélo",
          "le don de vélos remis en état"],
         ["habitants", "jeunes 16-25", "femmes"], ["TE2"]),
        (["Ressourcerie de quartier", "Réemploi solidaire", "Donner une seconde vie aux objets"],
         ["réduire les déchets en réparant et en revendant les objets",
          "créer une ressourcerie qui emploie des habitants"],
         ["la collecte d'objets", "un atelier de réparation", "une boutique solidaire",
          "des emplois en insertion"],
         ["habitants", "demandeurs d'emploi"], ["CV3", "EM1"]),
    ],
}  # fmt: skip

OPENINGS = ["Le projet vise à {}.", "Notre objectif est de {}.", "Il s'agit de {}.", "L'action doit {}."]
ACTIVITY_FRAMES = [
    "Nous proposons {} et {}.",
    "Le projet comprend {}, ainsi que {}.",
    "Au programme : {} et {}.",
    "Concrètement, {} puis {}.",
]
PLACES = [
    "Les activités ont lieu au centre social.", "L'action se déroule à la maison de quartier.",
    "Nous intervenons au pied des immeubles et sur la place.", "Les séances se tiennent dans nos locaux, rue des Lilas.",
    "L'action a lieu à la médiathèque et dans la salle municipale.", "Nous utilisons le gymnase et la cour de l'école.",
]  # fmt: skip
SCHEDULES = [
    "Les séances ont lieu chaque mercredi après-midi.", "L'action se déroule pendant les vacances scolaires.",
    "Nous sommes présents trois soirs par semaine.", "Le rythme est hebdomadaire, de septembre à juin.",
    "L'action est ponctuelle, sur deux week-ends.", "Les rendez-vous sont mensuels.",
]  # fmt: skip
PARTNERS_SENTENCES = [
    "Le projet est mené en lien avec le centre social, la mission locale et le bailleur.",
    "Nos partenaires sont la ville, le collège et les associations du quartier.",
    "Nous travaillons avec le conseil citoyen et les services de la métropole.",
    "L'action est construite avec les habitants et les professionnels du quartier.",
]
EVALUATIONS = [
    "Un bilan sera présenté au conseil citoyen.",
    "Les indicateurs suivis : nombre de participants, assiduité, satisfaction.",
    "Une évaluation est prévue avec les participants à la fin de l'action.",
    "Nous mesurerons le nombre de personnes accompagnées et leur parcours six mois après.",
]
EDITS = [("quartier", "secteur"), ("habitants", "résidents"), ("action", "opération"), ("jeunes", "ados")]
CALLS = [
    "Contrat de ville 2025", "Contrat de ville 2026", "Contrat de ville 2027", "Quartiers d'été 2025",
    "Quartiers d'été 2026", "Cités éducatives 2026", "FIPD 2026", "CAF politique de la ville 2026", "VVV 2025",
]  # fmt: skip
FUNDERS = [
    "ANCT", "Préfecture", "Ville", "Métropole", "Département", "Région", "CAF", "Bailleur social", "ARS", "FIPD",
    "Fondation de France",
]  # fmt: skip


def log(message: str) -> None:
    print(f"[bench instruction] {message}", file=sys.stderr, flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Mesure le repérage des chevauchements entre candidatures.")
    parser.add_argument("--projects", type=int, default=20_000, help="nombre de candidatures (défaut 20 000)")
    parser.add_argument(
        "--queries", type=int, default=50, help="candidatures instruites chronométrées (défaut 50)"
    )
    parser.add_argument("--threshold", type=float, default=DEFAULT_PAIR_THRESHOLD, help="seuil de all_pairs")
    parser.add_argument("--seed", type=int, default=42, help="graine du générateur aléatoire")
    args = parser.parse_args()
    if args.projects < 200 or args.queries < 1:
        parser.error("--projects >= 200 and --queries >= 1 are required")
    return args


class Generator:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.qpvs = [f"QN{rng.choice(['04', '13', '42', '59', '69', '93'])}{i:03d}M" for i in range(QPVS)]
        self.qpv_weight = [rng.lognormvariate(0, 0.8) for _ in self.qpvs]  # some QPVs draw many applications
        self.town_of = {qpv: i % TOWNS for i, qpv in enumerate(self.qpvs)}
        self.structures = [f"S{i:05d}" for i in range(STRUCTURES)]
        self.structure_town = {s: rng.randrange(TOWNS) for s in self.structures}
        self.by_town: dict[int, list[str]] = {}
        for structure, town in self.structure_town.items():
            self.by_town.setdefault(town, []).append(structure)
        self.actions = [(theme, action) for theme, actions in ACTIONS.items() for action in actions]

    def text(self, action: tuple) -> str:
        rng = self.rng
        titles, purposes, activities, _, _ = action
        first, second, third = rng.sample(activities, 3)
        sentences = [
            rng.choice(titles) + ".",
            rng.choice(OPENINGS).format(rng.choice(purposes)),
            rng.choice(ACTIVITY_FRAMES).format(first, second),
            f"Nous prévoyons aussi {third}.",
            rng.choice(PLACES),
            rng.choice(SCHEDULES),
            rng.choice(PARTNERS_SENTENCES),
            rng.choice(EVALUATIONS),
        ]
        return " ".join(sentences)

    def project(self, number: int, action: tuple | None = None, qpvs: list[str] | None = None) -> Project:
        rng = self.rng
        _theme, action = action or rng.choice(self.actions)
        if qpvs is None:
            first = rng.choices(self.qpvs, weights=self.qpv_weight)[0]
            town = [q for q in self.qpvs if self.town_of[q] == self.town_of[first] and q != first]
            qpvs = [first, *rng.sample(town, rng.choices([0, 1, 2], weights=[70, 20, 10])[0])]
        applicant = rng.choice(self.by_town[self.town_of[qpvs[0]]])
        starts = FIRST_DAY + datetime.timedelta(days=rng.randrange(3 * 365 - 60))
        ends = starts + datetime.timedelta(days=rng.randrange(60, 730))
        elements = set(action[4])
        if rng.random() < 1 / 7:
            elements.add(rng.choice([e for e in ELEMENTS if e not in action[4]]))  # planted: not in the text
        return Project(
            id=f"P{number:06d}",
            call=rng.choice(CALLS),
            applicant=applicant,
            partners=frozenset(rng.sample(self.by_town[self.town_of[qpvs[0]]], rng.randrange(0, 3))),
            funders=frozenset(rng.sample(FUNDERS, rng.randrange(1, 4))),
            qpvs=frozenset(qpvs),
            publics=frozenset(rng.sample(action[3], rng.randrange(1, min(2, len(action[3])) + 1))),
            starts=starts,
            ends=ends,
            text=self.text(action),
            elements=frozenset(elements),
        )

    def competitor(self, number: int, base: Project, action: tuple) -> Project:
        rng = self.rng
        qpv = rng.choice(sorted(base.qpvs))
        project = self.project(number, action, [qpv])
        others = [s for s in self.by_town[self.town_of[qpv]] if s != base.applicant]
        starts = base.starts + datetime.timedelta(days=rng.randrange(-120, 120))
        return _replace(
            project,
            applicant=rng.choice(others),
            publics=frozenset({rng.choice(sorted(base.publics))}),
            starts=starts,
            ends=max(
                starts + datetime.timedelta(days=60), base.starts + datetime.timedelta(days=30), project.ends
            ),
        )

    def duplicate(self, number: int, base: Project) -> Project:
        rng = self.rng
        sentences = base.text.split(". ")
        del sentences[rng.randrange(2, len(sentences))]
        text = ". ".join(sentences)
        for old, new in rng.sample(EDITS, 2):
            text = text.replace(old, new, 1)
        shift = datetime.timedelta(days=rng.randrange(-60, 60))
        return _replace(
            base,
            id=f"P{number:06d}",
            call=rng.choice([c for c in CALLS if c != base.call]),
            funders=frozenset(rng.sample(FUNDERS, rng.randrange(1, 3))),
            starts=base.starts + shift,
            ends=base.ends + shift,
            text=text,
        )


def _replace(project: Project, **changes) -> Project:
    values = {name: getattr(project, name) for name in Project.__dataclass_fields__}
    values.update(changes)
    return Project(**values)


def generate(count: int, seed: int) -> tuple[list[Project], list[tuple[str, str]], list[tuple[str, str]]]:
    rng = random.Random(seed)
    generator = Generator(rng)
    competing_count, duplicate_count = round(count * COMPETING_SHARE), round(count * DUPLICATE_SHARE)
    background = count - competing_count - duplicate_count
    chosen = [rng.choice(generator.actions) for _ in range(background)]
    projects = [generator.project(i, action) for i, action in enumerate(chosen)]
    competing, duplicates = [], []
    for k, base_row in enumerate(rng.sample(range(background), competing_count + duplicate_count)):
        base = projects[base_row]
        if k < competing_count:
            other = generator.competitor(len(projects), base, chosen[base_row])
            competing.append((base.id, other.id))
        else:
            other = generator.duplicate(len(projects), base)
            duplicates.append((base.id, other.id))
        projects.append(other)
    rng.shuffle(projects)
    return projects, competing, duplicates


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure_reports(index: OverlapIndex, projects: list[Project], queries: int, rng: random.Random) -> dict:
    times = []
    for project in rng.sample(projects, queries):
        started = time.perf_counter()
        index.overlaps(project.id, 10)
        coherence(project.text, ELEMENTS, project.elements, index=index)
        times.append((time.perf_counter() - started) * 1000)
    return {
        "queries": queries,
        "p50_ms": round(percentile(times, 0.5), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "max_ms": round(max(times), 1),
        "target_ms": TARGET_REPORT_MS,
        "meets_target": percentile(times, 0.95) <= TARGET_REPORT_MS,
    }


def check_coherence(
    index: OverlapIndex, projects: list[Project], rng: random.Random, sample: int = 2_000
) -> dict:
    """Declared elements of the action supported; planted wrong declarations flagged; undeclared suggestions."""
    supported = declared_right = flagged = planted = undeclared = 0
    for project in rng.sample(projects, min(sample, len(projects))):
        result = coherence(project.text, ELEMENTS, project.elements, index=index)
        right = _action_elements(project)
        wrong = project.elements - right
        declared_right += len(right)
        supported += len(right - set(result.unsupported))
        planted += len(wrong)
        flagged += len(wrong & set(result.unsupported))
        undeclared += len(result.undeclared)
    return {
        "applications": min(sample, len(projects)),
        "declared_right_supported": round(supported / max(declared_right, 1), 3),
        "planted_wrong_flagged_unsupported": round(flagged / max(planted, 1), 3),
        "planted_wrong": planted,
        "undeclared_per_application": round(undeclared / max(sample, 1), 3),
    }


_TITLE_ELEMENTS = {
    title: frozenset(action[4]) for actions in ACTIONS.values() for action in actions for title in action[0]
}


def _action_elements(project: Project) -> frozenset[str]:
    title = project.text.split(".")[0]
    return _TITLE_ELEMENTS.get(title, frozenset()) & project.elements


def check_planted(
    index: OverlapIndex,
    pairs: dict[frozenset[str], dict],
    competing: list,
    duplicates: list,
    sample: int = 500,
) -> dict:
    found_pairs = sum(frozenset(pair) in pairs for pair in competing)
    in_top = sum(any(o.other == b for o in index.overlaps(a, 10)) for a, b in competing[:sample])
    flagged = sum(pairs.get(frozenset(pair), {}).get("duplicate", False) for pair in duplicates)
    flagged_top = sum(any(o.other == b and o.duplicate for o in index.overlaps(a, 10)) for a, b in duplicates)
    planted = {frozenset(pair) for pair in duplicates}
    false_duplicates = sum(1 for pair, info in pairs.items() if info["duplicate"] and pair not in planted)
    return {
        "competing_planted": len(competing),
        "competing_recall_all_pairs": round(found_pairs / len(competing), 3),
        "competing_recall_top10": round(in_top / min(sample, len(competing)), 3),
        "duplicates_planted": len(duplicates),
        "duplicates_flagged_all_pairs": round(flagged / len(duplicates), 3),
        "duplicates_flagged_top10": round(flagged_top / len(duplicates), 3),
        "duplicates_flagged_not_planted": false_duplicates,
    }


def main() -> None:
    args = parse_args()
    log(f"génération de {args.projects} candidatures (graine {args.seed})")
    projects, competing, duplicates = generate(args.projects, args.seed)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    log("construction de l'index")
    started = time.perf_counter()
    index = OverlapIndex(projects)
    build_s = time.perf_counter() - started
    log(f"index construit en {build_s:.1f} s ({len(index.vectoriser)} termes); rapports")
    rng = random.Random(args.seed + 1)
    reports = measure_reports(index, projects, args.queries, rng)
    log(f"rapports p50 {reports['p50_ms']} ms, p95 {reports['p95_ms']} ms; toutes les paires")
    started = time.perf_counter()
    pairs = {
        frozenset((a, b)): {"duplicate": overlap.duplicate, "score": overlap.score}
        for a, b, overlap in index.all_pairs(args.threshold)
    }
    all_pairs_s = time.perf_counter() - started
    log(f"{len(pairs)} paires en {all_pairs_s:.1f} s; vérifications")
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "bench": "instruction",
        "projects": len(projects),
        "qpvs": QPVS,
        "vocabulary": len(index.vectoriser),
        "text_nonzeros_per_project": round(index._rows.text.nnz / len(projects), 1),
        "largest_qpv_block": max(len(rows) for rows in index._postings),
        "build_s": round(build_s, 2),
        "report": reports,
        "all_pairs_s": round(all_pairs_s, 2),
        "all_pairs_threshold": args.threshold,
        "pairs_found": len(pairs),
        "duplicates_found": sum(info["duplicate"] for info in pairs.values()),
        "all_pairs_target_s": TARGET_ALL_PAIRS_S,
        "all_pairs_meets_target": all_pairs_s <= TARGET_ALL_PAIRS_S,
        "rss_before_index_mb": round(rss_before, 1),
        "peak_rss_mb": round(peak_rss, 1),
        "planted": check_planted(index, pairs, competing, duplicates),
        "coherence": check_coherence(index, projects, rng),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "seed": args.seed,
    }
    log("terminé")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()

"""Word lists written by hand for French civic texts: stop words, and related words of public-policy concepts.

The related words let a theme described only by its name and one line ("Mobilité : transports en commun,
vélo, stationnement") recognise contributions that use none of those words ("le tram passe toutes les
20 minutes"). They were written from knowledge of the policy domain (politique de la ville, local public
action), not from the evaluation texts of `bench/analysis_quality.py`. Every word is lemmatised and folded with
the same pipeline as contributions, so plurals and feminines need not be listed.
"""

# Lemmas and surface forms that carry no theme: grammar words, auxiliaries and modal verbs, vague adverbs, the
# politeness of a contribution. Folded (no accents). "quartier" is kept: its weight comes from its frequency.
_STOP_WORDS_TEXT = """
    a à afin ah ai aie aient aies ailleurs ainsi ait alors apres assez au aucun aucune aujourd aupres auquel aura
    aurai auraient aurais aurait aurez aurions aurons auront aussi autant autre autres aux auxquelles auxquels avaient
    avais avait avant avec avez aviez avions avoir avons ayant bah bcp beaucoup ben bien bon bonjour bref c ca car ce
    ceci cela celle celles celui cependant certain certaine certaines certains ces cet cette ceux chacun chacune chaque
    chez ci comme comment concernant contre d dans de dedans dehors deja depuis des desormais dessous dessus deux devant
    devoir devrait doit doivent donc dont du duquel durant e elle elles en encore enfin ensuite entre envers environ
    es est et etaient etais etait etant ete etes etre eu eux faire fait faudrait faut falloir fois font grace ha hein
    hors i ici il ils j je hui jusqu jusque l la laquelle le lequel les lesquelles lesquels leur leurs lors lorsqu lorsque
    lui m ma mais me meme memes merci mes moi moins mon n na ne neanmoins ni non nos notre nous o ok on ont or ou
    oui outre par parce parfois parmi pas peu peut peuvent peux plupart plus plusieurs plutot pour pourquoi pourrait
    pouvoir pres presqu presque puis puisqu puisque qu quand quant que quel quelle quelles quels quelqu quelque quelques qui
    quoi quoiqu s sa sans se selon ses seulement si sien sinon soi soit son sont sous souvent suis sur svp t ta tant te tel
    telle telles tels tes toi ton toujours tous tout toute toutes tres trop tu un une unes uns v va vers voici voila
    vont vos votre vouloir vous vraiment y
    aller avoir chose choses donner etc falloir gens lors mettre part pouvoir prendre savoir sembler trouver venir
    voir cas fois niveau exemple faire dire rendre permettre besoin jour an annee
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

# Where the dictionary lemma would merge words that mean different things here: "travaux" (building works) is
# not "travail" (a job), "mise aux normes" is not "miser".
LEMMA_OVERRIDES = {
    "travaux": "travaux",
    "mise": "mise",
    "mises": "mise",
    "camera": "camera",
    "cameras": "camera",
    "caméra": "camera",
    "caméras": "camera",
    "œuvre": "oeuvre",
    "œuvres": "oeuvre",
    "oeuvre": "oeuvre",
    "oeuvres": "oeuvre",
    "ados": "ado",
}

# One concept per line, `heads: related words`. A theme whose name or description contains a head receives the
# heads and the related words, with a lower weight than its own words (see tagging.py); a related word alone
# does not trigger the concept, so that "économie" in a description of public spending does not pull in the words
# of business and employment. Hyphenated entries are two-word expressions. Words so general that they would link
# unrelated concepts ("projet", "espace", "place", "service" alone) are left out.
RELATED_WORDS = """
emploi travail chomage: chomeur embauche embaucher recrutement recruter metier salarie salaire employeur stage alternance apprentissage interim cv entretien-embauche pole-emploi france-travail mission-locale demandeur-emploi job
insertion reinsertion: chantier-insertion qualification formation competence accompagnement remobilisation emploi parcours
formation apprentissage qualification: alternance apprenti diplome competence certification stage cours apprendre
economie economique entreprise commerce attractivite: commercant boutique magasin artisan artisanat entrepreneur entrepreneuriat creation-entreprise tourisme touristique coworking incubateur developpement-economique zone-activite implantation
education ecole scolaire enseignement: eleve enseignant professeur instituteur college lycee classe scolarite aide-devoir reussite decrochage periscolaire maternelle primaire cantine cour-ecole rentree cartable
reussite: decrochage scolaire soutien-scolaire orientation diplome examen brevet bac eleve
jeunesse jeune adolescent: ado adolescent enfant mineur etudiant mjc animateur colonie loisir centre-loisir club-jeune service-civique
enfance enfant petite-enfance: creche bebe parent parentalite famille aire-jeu jeu ludotheque
famille parentalite: parent enfant mere pere maman papa foyer monoparental
sante soin medical sanitaire: medecin hopital infirmier infirmiere pharmacie maladie prevention depistage vaccination dentiste generaliste specialiste urgence kine mutuelle psychologue psychiatre addiction obesite nutrition maison-sante centre-sante desert-medical
handicap: handicape accessibilite pmr fauteuil autisme inclusion
senior age vieillissement: personne-agee retraite retraite aine ehpad isolement
logement habitat: appartement immeuble batiment hlm bailleur bailleur-social loyer locataire proprietaire renovation rehabilitation insalubre humidite chauffage ascenseur copropriete demolition reconstruction cage-escalier hall
urbanisme amenagement renouvellement: urbain anru construction travaux voirie trottoir requalification
cadre embellissement: amenagement banc eclairage facade mobilier-urbain fontaine square parc fleurissement
espace-vert vegetalisation nature: vegetaliser verdoyant fleurir fleuri parc jardin square arbre vegetal fleur pelouse potager jardinage plantation ombre foret jardin-partage verdure
proprete dechet: toilette sanisette ressourcerie recyclerie reemploi poubelle ordure encombrant tri recyclage compost salete sale nettoyage nettoyer depot-sauvage crotte megot tag graffiti balayage collecte benne
tranquillite securite insecurite delinquance: violence police policier gendarmerie agression vol cambriolage incivilite bruit nuisance deal dealer trafic drogue rodeo videoprotection camera mediation mediateur peur point-deal squat
prevention: mediation mediateur educateur-rue delinquance risque sensibilisation
mobilite transport deplacement: bus tram tramway metro train gare ligne arret navette covoiturage trajet circulation velo cyclable piste-cyclable pieton trottinette stationnement parking voiture automobile route autopartage transport-commun
velo cyclable pieton: piste-cyclable cycliste pietonnisation trottoir
circulation voirie stationnement: route rue vitesse ralentisseur carrefour trafic embouteillage securite-routiere parking
lien-social convivialite vivre-ensemble: rencontre voisin voisinage fete repas-partage solidarite entraide intergenerationnel partage echange isolement
association associatif benevolat: benevole vie-associative adherent collectif maison-association engagement
culture culturel: art artiste musique concert theatre cinema spectacle danse bibliotheque mediatheque lecture livre musee exposition festival patrimoine oeuvre atelier peinture fresque conservatoire
patrimoine: monument historique eglise chapelle chateau musee restauration memoire histoire
sport sportif: ping-pong tennis-table parcours-sportif agres skate glisse stade gymnase piscine football foot basket terrain city-stade club equipement-sportif athletisme natation boxe tennis fitness escalade
environnement ecologie ecologique climat: nature biodiversite pollution air energie renouvelable solaire photovoltaique isolation thermique carbone durable transition recyclage arbre
energie energetique: renovation-energetique isolation chauffage solaire photovoltaique consommation sobriete electricite chaudiere thermique
transition: climat ecologie energie carbone renouvelable sobriete durable
eau assainissement: eau-potable pluvial station-epuration inondation
alimentation alimentaire: nourriture repas aide-alimentaire epicerie-solidaire agriculture agricole bio circuit-court maraicher ferme
droit: acces-droit demarche administratif papier dossier caf allocation prefecture guichet accueil france-service ecrivain-public
service-public administration: mairie guichet accueil agent poste bureau horaire permanence france-service fonctionnaire
numerique: internet ordinateur informatique fibre connexion wifi tablette inclusion-numerique dematerialisation
solidarite pauvrete precarite: solidaire precaire exclusion aide-sociale sans-abri hebergement maraude minima rsa
egalite discrimination: racisme femme sexisme egalite-femme harcelement
participation concertation citoyen citoyennete: consultation democratie conseil-citoyen habitant avis vote decision implication budget-participatif debat
democratie: citoyen citoyennete vote election elu referendum representant depute senateur parlement assemblee proportionnelle abstention
fiscalite impot depense: taxe fiscal contribuable tva prelevement imposition niche-fiscale cotisation depense-publique dette deficit budget economie
etat collectivite: decentralisation commune departement region intercommunalite metropole prefet administration fonctionnaire echelon
immigration integration laicite: immigre migrant asile etranger religion
justice: tribunal juge loi prison sanction peine
norme securisation: mise-norme conformite accessibilite securite-incendie desamiantage amiante vetuste
""".strip().splitlines()

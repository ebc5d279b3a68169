"""Screening of applications to calls for projects: which other applications (of the same call or of others,
to the same funders or not) compete with one, whether a structure applied twice for the same action, which
consortium could be co-built instead of a competition, and whether a project's text supports the vision
elements it claims to serve.

Everything here is a suggestion for the person who instructs the application, with its reasons in French.

Two applications **overlap** when they share at least one QPV (the blocking key: a place can only be competed
for by projects that are there), their periods overlap by at least one day, and they have something in common
besides: a public, a declared vision element, or texts of TF-IDF cosine at least `MIN_TEXT`. Their **score**
(0 to 1) is a weighted sum, every part of which is shown in the reasons: share of QPVs, of publics, of the
shorter period, of elements (each |shared| / the smaller set), and the cosine of the texts (lemmas and pairs of
lemmas, sublinear tf × idf fitted on all the texts). A **duplicate** is an overlap of the same applicant with
texts of cosine at least `DUPLICATE_TEXT`: « dépôt en double ? ».

`OverlapIndex` vectorises the projects once (sparse matrices) and keeps, per QPV, the projects that are there:
one query compares a project with the few hundred projects of its QPVs, and `all_pairs` multiplies the rows of
each QPV by themselves in chunks. `compare` is the same rule pair by pair, in plain Python: the reference.
"""

import datetime
import functools
import itertools
import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields

import numpy as np
import scipy.sparse as sp

from cooperer.analysis.text.features import Vectoriser
from cooperer.analysis.text.lexicon import RELATED_WORDS
from cooperer.analysis.text.normalise import display, features, lemmas, tokens

MIN_TEXT = 0.15  # below, two texts have nothing notable in common
DUPLICATE_TEXT = 0.6  # same applicant and texts this close: the same action submitted twice
DEFAULT_PAIR_THRESHOLD = 0.6
CONSORTIUM_MIN_SCORE = 0.45
CONSORTIUM_MIN_DAYS = 30  # a consortium needs time to act together
COHERENCE_THRESHOLD = 0.4
RELATED_PER_WORD = 0.4  # how much one related word found in the text covers the element's word it stands for
RELATED_COVER = 0.8  # related words never cover a word as fully as the word itself
SUPPORT_WORDS = 3
GENERIC_WEIGHT = 0.2  # weight of the words every project and vision uses ("favoriser", "développer"…)
SHARED_TERMS = 5
CHUNK_ROWS = 512

# Pairs of words whose words alone would mislead: « vacances scolaires » is not schooling, « mission locale »
# is not a place. A word found only inside one of them does not count alone (the pair itself still does).
FIXED_EXPRESSIONS = frozenset({"vacance scolaire", "mission local", "mettre place", "fin journee"})

# Folded lemmas that say an intention, not a subject: kept (they still match) but weigh little.
_GENERIC_TEXT = """
    favoriser developper ameliorer renforcer permettre creer soutenir agir lutter promouvoir faciliter offrir
    assurer garantir proposer action projet mettre place plus mieux nouveau tout chacun habitant quartier
    personne laisser cote sentir jour vie chaque meilleur grand petit
"""
GENERIC_WORDS = frozenset(_GENERIC_TEXT.split())

# Vision elements say aspirations in general words (« des espaces publics apaisés », « un quartier plus vert »),
# projects say what they will do in concrete ones (bancs, éclairage, plantations). Same format as
# `lexicon.RELATED_WORDS`, which is used too: `heads: related words`, hyphens join two-word expressions. Only
# an element that names a head gets the line; a related word can then stand for that head's words.
VISION_RELATED = """
lieu equipement: salle espace maison accueil tiers-lieu espace-jeune foyer
espace-public: square parvis placette esplanade place-publique rue trottoir banc eclairage mobilier-urbain amenagement requalification
apaiser calme tranquille agreable: tranquillite calme bruit nuisance circulation vitesse stationnement pieton mediation banc ombre
securite surete insecurite: securiser tranquillite mediation mediateur eclairage prevention delinquance police rodeo trafic conflit
vert verdure nature: arbre jardin parc vegetal vegetaliser vegetalisation plantation potager fleur ombre espace-vert biodiversite verdir
proprete propre entretenir entretien: nettoyage nettoyer dechet poubelle encombrant tri salete ramassage collecte depot-sauvage
ouvert soir horaire: soiree nocturne tard week-end horaire ouverture
nuit: soir soiree nocturne
rencontrer rencontre voisin convivial convivialite: fete voisinage repas-partage cafe echange lien-social ensemble collectif
vivant animation accueillant: animation fete evenement marche festival accueil
accessible acces obstacle: accessibilite gratuit gratuite proximite tarif-reduit
soin prevention: sante medecin infirmier consultation depistage maison-sante vaccination mutuelle sensibilisation
sante-mentale ecoute psychique: psychologue psychologique souffrance detresse groupe-parole psychiatre
jeune jeunesse: adolescent ado animateur mjc espace-jeune collegien
initiative engagement: idee engager porter monter junior-association bourse service-civique
emploi travail: embauche recrutement insertion chantier-insertion formation stage cv metier mission-locale france-travail entreprise
formation: apprentissage alternance qualification stage diplome
femme: mere maman feminin fille
reussite scolaire ecole: soutien-scolaire aide devoir decrochage eleve college enseignant lecture scolarite classe
parent: famille mere pere parentalite
isolement isole: visite solitude seul aine personne-agee telephone
sport: club licence entrainement tournoi football foot gymnase stade
culture culturel: theatre musique spectacle lecture livre bibliotheque mediatheque artiste conte
droit: demarche dossier caf administratif ecrivain-public juriste allocation permanence
numerique: ordinateur tablette internet informatique conseiller-numerique
energie econome facture: chauffage isolation consommation precarite-energetique
deplacer mobilite: velo pied pieton marche balade circulation transport
velo: cyclable cycliste velo-ecole reparation
""".strip().splitlines()


@dataclass(frozen=True)
class Weights:
    """How much each part counts in the score of an overlap; they add up to 1."""

    qpv: float = 0.2
    public: float = 0.25
    period: float = 0.1
    text: float = 0.35
    elements: float = 0.1


WEIGHTS = Weights()


@dataclass(frozen=True)
class Project:
    """An application as plain data. `text` is the title, purpose and description; `elements` the ids of the
    vision elements it declares serving; `qpvs` any territory codes (QPV codes, or a commune code for a
    project outside QPVs: a code is only ever compared with the same code)."""

    id: str
    call: str
    applicant: str
    partners: frozenset[str]
    funders: frozenset[str]
    qpvs: frozenset[str]
    publics: frozenset[str]
    starts: datetime.date
    ends: datetime.date
    text: str
    elements: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        for name in ("partners", "funders", "qpvs", "publics", "elements"):
            value = getattr(self, name)
            if not isinstance(value, frozenset):
                object.__setattr__(self, name, frozenset(value))
        if self.ends < self.starts:
            raise ValueError(f"Le projet {self.id} finit ({self.ends}) avant de commencer ({self.starts}).")

    @property
    def days(self) -> int:
        return (self.ends - self.starts).days + 1


@dataclass
class Overlap:
    """Another application that overlaps the one asked about, seen from the latter."""

    other: str
    score: float
    same_qpvs: list[str]
    same_publics: list[str]
    period_overlap_days: int
    text_similarity: float
    shared_terms: list[str]  # the words that bring the texts closest (single words), as read
    same_applicant: bool
    same_call: bool
    reasons: list[str]  # in French, the duplicate warning first
    duplicate: bool = False
    shared_elements: list[str] = field(default_factory=list)
    same_funders: list[str] = field(default_factory=list)
    # Structures in both applications (as applicant or partner): they already work together.
    shared_partners: list[str] = field(default_factory=list)
    other_applicant: str = ""


@dataclass
class Consortium:
    members: list[str]  # project ids, the lead first; [project_id] alone when nothing competes
    lead: str
    rationale: list[str]  # in French


@dataclass
class ElementMatch:
    id: str
    score: float  # 0 to 1: how much of the weight of its (at most 3) heaviest words the text covers
    terms: list[str]  # the element's words found in the text (or related words), as read


@dataclass
class Coherence:
    matched: list[ElementMatch]  # elements the text supports, best first
    unsupported: list[str]  # declared, but the text does not support them
    undeclared: list[str]  # supported by the text, but not declared
    scores: dict[str, float] = field(default_factory=dict)  # every element's score


def score_of(qpv, public, period, text, elements, weights: Weights = WEIGHTS):
    """The score from the shares (scalars or numpy arrays alike)."""
    return (
        weights.qpv * qpv
        + weights.public * public
        + weights.period * period
        + weights.text * text
        + weights.elements * elements
    )


@dataclass
class _Rows:
    """The vectors of some projects, row-aligned: what a block comparison needs."""

    text: sp.csr_matrix  # unit TF-IDF rows
    qpvs: sp.csr_matrix  # 1 where the project is in that QPV
    publics: sp.csr_matrix
    elements: sp.csr_matrix
    sizes: np.ndarray  # rows × 3: how many QPVs, publics, elements each project declares
    starts: np.ndarray  # date ordinals
    ends: np.ndarray
    applicants: np.ndarray  # integer codes, -1 when unknown to the index

    def take(self, rows) -> "_Rows":
        return _Rows(*(getattr(self, column.name)[rows] for column in fields(self)))


@dataclass
class _Block:
    """Every comparison of rows `a` × rows `b`, as dense arrays."""

    text: np.ndarray
    shared_qpvs: np.ndarray
    days: np.ndarray
    score: np.ndarray
    overlap: np.ndarray
    duplicate: np.ndarray


def _share(shared: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    smaller = np.minimum(left[:, None], right[None, :])
    return np.where(smaller > 0, shared / np.maximum(smaller, 1), 0.0)


def _evaluate(a: _Rows, b: _Rows, weights: Weights) -> _Block:
    text = np.clip((a.text @ b.text.T).toarray(), 0.0, 1.0)
    qpvs = (a.qpvs @ b.qpvs.T).toarray()
    publics = (a.publics @ b.publics.T).toarray()
    elements = (a.elements @ b.elements.T).toarray()
    days = np.minimum(a.ends[:, None], b.ends[None, :]) - np.maximum(a.starts[:, None], b.starts[None, :]) + 1
    days = np.maximum(days, 0)
    shorter = np.minimum((a.ends - a.starts)[:, None], (b.ends - b.starts)[None, :]) + 1
    score = score_of(
        _share(qpvs, a.sizes[:, 0], b.sizes[:, 0]),
        _share(publics, a.sizes[:, 1], b.sizes[:, 1]),
        days / shorter,
        text,
        _share(elements, a.sizes[:, 2], b.sizes[:, 2]),
        weights,
    )
    overlap = (qpvs > 0) & (days > 0) & ((text >= MIN_TEXT) | (publics > 0) | (elements > 0))
    same_applicant = (a.applicants[:, None] == b.applicants[None, :]) & (a.applicants[:, None] >= 0)
    duplicate = overlap & same_applicant & (text >= DUPLICATE_TEXT)
    return _Block(text, qpvs, days, score, overlap, duplicate)


def _binary(values: Sequence[Iterable[str]], vocabulary: Mapping[str, int]) -> sp.csr_matrix:
    indptr, indices = [0], []
    for bag in values:
        indices.extend(sorted({vocabulary[value] for value in bag if value in vocabulary}))
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float32)
    return sp.csr_matrix((data, indices, indptr), shape=(len(values), len(vocabulary)))


class OverlapIndex:
    """The applications of one or several calls, vectorised once, for `overlaps`, `all_pairs`, `compare`."""

    def __init__(
        self,
        projects: Iterable[Project],
        *,
        qpv_names: Mapping[str, str] | None = None,
        weights: Weights = WEIGHTS,
    ) -> None:
        self.projects = list(projects)
        self.weights = weights
        self.qpv_names = dict(qpv_names or {})
        self.rows = {project.id: row for row, project in enumerate(self.projects)}
        if len(self.rows) != len(self.projects):
            raise ValueError("Deux projets ont le même identifiant.")
        docs = [features(lemmas(project.text)) for project in self.projects]
        self.vectoriser = Vectoriser.fit(docs)
        self._vocabularies = {
            name: {
                value: i
                for i, value in enumerate(sorted({v for p in self.projects for v in getattr(p, name)}))
            }
            for name in ("qpvs", "publics", "elements", "applicant")
        }
        self._rows = self._encode(self.projects, docs)
        self._display: dict[str, str] = {}  # term -> as shown, memoised
        self._single = np.array([" " not in term for term in self.vectoriser.terms], dtype=np.float32)
        # QPV -> the rows of the projects that are there (sorted): the blocking that keeps queries small.
        by_qpv = self._rows.qpvs.tocsc()
        self._postings = [
            by_qpv.indices[by_qpv.indptr[q] : by_qpv.indptr[q + 1]] for q in range(by_qpv.shape[1])
        ]

    def __len__(self) -> int:
        return len(self.projects)

    def idf(self, term: str) -> float:
        """Inverse document frequency of a term among the indexed texts (the rarest value when unseen)."""
        position = self.vectoriser.index.get(term)
        if position is None:
            return math.log(1 + self.vectoriser.documents) + 1.0
        return float(self.vectoriser.idf[position])

    def _encode(self, projects: Sequence[Project], docs: Sequence[list[str]] | None = None) -> _Rows:
        if docs is None:
            docs = [features(lemmas(project.text)) for project in projects]
        vocabularies = self._vocabularies
        applicants = vocabularies["applicant"]
        text = self.vectoriser.transform(docs)
        text.sort_indices()  # canonical rows: elementwise products stay cheap
        return _Rows(
            text=text,
            qpvs=_binary([p.qpvs for p in projects], vocabularies["qpvs"]),
            publics=_binary([p.publics for p in projects], vocabularies["publics"]),
            elements=_binary([p.elements for p in projects], vocabularies["elements"]),
            sizes=np.array(
                [[len(p.qpvs), len(p.publics), len(p.elements)] for p in projects], dtype=np.int64
            ).reshape(-1, 3),
            starts=np.array([p.starts.toordinal() for p in projects], dtype=np.int64),
            ends=np.array([p.ends.toordinal() for p in projects], dtype=np.int64),
            applicants=np.array([applicants.get(p.applicant, -1) for p in projects], dtype=np.int64),
        )

    def _resolve(self, project: Project | str) -> tuple[Project, _Rows, int | None]:
        """The project, its vectors, and its row when it is the indexed one (a Project passed in is used as
        given: an application being edited is compared as it now is)."""
        if isinstance(project, str):
            if project not in self.rows:
                raise KeyError(f"Projet inconnu de l'index : {project}")
            row = self.rows[project]
            return self.projects[row], self._rows.take([row]), row
        row = self.rows.get(project.id)
        if row is not None and self.projects[row] == project:
            return project, self._rows.take([row]), row
        return project, self._encode([project]), row

    def overlaps(self, project: Project | str, limit: int = 10, *, min_score: float = 0.0) -> list[Overlap]:
        """The applications that overlap `project` (an indexed id, or a Project, indexed or not): duplicates
        first, then by decreasing score, at most `limit`."""
        subject, vectors, own_row = self._resolve(project)
        known = [self._vocabularies["qpvs"][q] for q in subject.qpvs if q in self._vocabularies["qpvs"]]
        if not known:
            return []
        candidates = np.unique(np.concatenate([self._postings[q] for q in known]))
        if own_row is not None:
            candidates = candidates[candidates != own_row]
        if not len(candidates):
            return []
        block = _evaluate(vectors, self._rows.take(candidates), self.weights)
        keep = np.flatnonzero(block.overlap[0] & (block.score[0] >= min_score))
        order = sorted(
            keep, key=lambda k: (not block.duplicate[0, k], -block.score[0, k], int(candidates[k]))
        )
        chosen = np.asarray(order[:limit], dtype=np.int64)
        if not len(chosen):
            return []
        terms = self._shared_terms(
            vectors.text[np.zeros(len(chosen), dtype=np.int64)], self._rows.text[candidates[chosen]]
        )
        return [
            self._overlap(subject, self.projects[candidates[k]], block.text[0, k], block.score[0, k], shared)
            for k, shared in zip(chosen, terms, strict=True)
        ]

    def all_pairs(
        self, threshold: float = DEFAULT_PAIR_THRESHOLD, *, chunk: int = CHUNK_ROWS
    ) -> Iterator[tuple[str, str, Overlap]]:
        """Every overlapping pair (a, b, overlap of b seen from a) of score ≥ `threshold`, each pair once, a
        before b in the order of the index. The rows of each QPV are multiplied by themselves, `chunk` rows at
        a time; a pair sharing several QPVs is met in each of them and yielded in the first only."""
        for qpv, rows in enumerate(self._postings):
            if len(rows) < 2:
                continue
            block_rows = self._rows.take(rows)
            for start in range(0, len(rows), chunk):
                block = _evaluate(
                    block_rows.take(slice(start, start + chunk)),
                    block_rows.take(slice(start, None)),
                    self.weights,
                )
                keep = block.overlap & (block.score >= threshold)
                lefts, rights = np.nonzero(np.triu(keep, k=1))
                several = block.shared_qpvs[lefts, rights] > 1
                first = np.array(
                    [
                        not several_qpvs
                        or self._first_shared(int(rows[start + left]), int(rows[start + right])) == qpv
                        for left, right, several_qpvs in zip(lefts, rights, several, strict=True)
                    ],
                    dtype=bool,
                )
                lefts, rights = lefts[first], rights[first]
                i_rows, j_rows = rows[start + lefts], rows[start + rights]
                terms = self._shared_terms(self._rows.text[i_rows], self._rows.text[j_rows])
                for n, (i, j) in enumerate(zip(i_rows.tolist(), j_rows.tolist(), strict=True)):
                    a, b = self.projects[i], self.projects[j]
                    text, score = block.text[lefts[n], rights[n]], block.score[lefts[n], rights[n]]
                    yield a.id, b.id, self._overlap(a, b, text, score, terms[n])

    def _first_shared(self, i: int, j: int) -> int:
        """The first QPV (in the index's order) that rows i and j share."""
        qpvs = self._rows.qpvs
        return min(
            set(qpvs.indices[qpvs.indptr[i] : qpvs.indptr[i + 1]].tolist())
            & set(qpvs.indices[qpvs.indptr[j] : qpvs.indptr[j + 1]].tolist())
        )

    def compare(self, left: Project | str, right: Project | str) -> Overlap | None:
        """The overlap of `right` seen from `left`, or None: the rule applied to one pair, with sets."""
        (a, a_text), (b, b_text) = self._text_of(left), self._text_of(right)
        if a.id == b.id:
            return None
        text = min(max(float((a_text @ b_text.T).toarray()[0, 0]), 0.0), 1.0)
        days = max(0, (min(a.ends, b.ends) - max(a.starts, b.starts)).days + 1)
        qpvs, publics, elements = a.qpvs & b.qpvs, a.publics & b.publics, a.elements & b.elements
        if not (qpvs and days and (text >= MIN_TEXT or publics or elements)):
            return None
        score = score_of(
            len(qpvs) / min(len(a.qpvs), len(b.qpvs)),
            len(publics) / min(len(a.publics), len(b.publics)) if publics else 0.0,
            days / min(a.days, b.days),
            text,
            len(elements) / min(len(a.elements), len(b.elements)) if elements else 0.0,
            self.weights,
        )
        return self._overlap(a, b, text, score, self._shared_terms(a_text, b_text)[0])

    def _text_of(self, project: Project | str) -> tuple[Project, sp.csr_matrix]:
        """The project and its text vector (one row), built directly: indexing the matrix is 40 times slower."""
        subject = self.projects[self.rows[project]] if isinstance(project, str) else project
        row = self.rows.get(subject.id)
        if row is None or self.projects[row] != subject:
            return subject, self._encode([subject]).text
        matrix = self._rows.text
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        return subject, sp.csr_matrix(
            (matrix.data[start:end], matrix.indices[start:end], [0, end - start]), shape=(1, matrix.shape[1])
        )

    def _shared_terms(self, left: sp.csr_matrix, right: sp.csr_matrix) -> list[list[str]]:
        """For each pair of rows, the words that bring the two texts closest, as read. Pairs of words count in
        the similarity but are not shown: across sentences they read badly (« festif prévoir »). One
        elementwise product for all the pairs."""
        products = left.multiply(right).tocsr()
        products.data *= self._single[products.indices]
        products.eliminate_zeros()
        pair_of = np.repeat(np.arange(products.shape[0]), np.diff(products.indptr))
        ranked = products.indices[np.lexsort((-products.data, pair_of))]
        terms, shown = self.vectoriser.terms, self._display
        result = []
        for pair in range(products.shape[0]):
            best = ranked[products.indptr[pair] : products.indptr[pair + 1]][:SHARED_TERMS].tolist()
            result.append(
                [shown.get(terms[k]) or shown.setdefault(terms[k], display(terms[k])) for k in best]
            )
        return result

    def _overlap(self, a: Project, b: Project, text, score, shared_terms: list[str]) -> Overlap:
        text, score = float(text), float(score)
        days = max(0, (min(a.ends, b.ends) - max(a.starts, b.starts)).days + 1)
        same_applicant = bool(a.applicant) and a.applicant == b.applicant
        overlap = Overlap(
            other=b.id,
            score=score,
            same_qpvs=sorted(a.qpvs & b.qpvs),
            same_publics=sorted(a.publics & b.publics),
            period_overlap_days=days,
            text_similarity=text,
            shared_terms=shared_terms,
            same_applicant=same_applicant,
            same_call=a.call == b.call,
            reasons=[],
            duplicate=same_applicant and text >= DUPLICATE_TEXT,
            shared_elements=sorted(a.elements & b.elements),
            same_funders=sorted(a.funders & b.funders),
            shared_partners=sorted(((a.partners | {a.applicant}) & (b.partners | {b.applicant})) - {""}),
            other_applicant=b.applicant,
        )
        overlap.reasons = _reasons(overlap, self.qpv_names)
        return overlap


def _distinct(terms: Iterable[str], limit: int = SHARED_TERMS) -> list[str]:
    """The first `limit` terms, skipping a term whose words were all shown already (« local » after « local
    jeune »)."""
    shown: list[str] = []
    covered: set[str] = set()
    for term in terms:
        words = set(term.split(" "))
        if words <= covered:
            continue
        covered |= words
        shown.append(term)
        if len(shown) == limit:
            break
    return shown


def french_number(value: float, digits: int = 2) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def _listing(values: Sequence[str]) -> str:
    return ", ".join(values)


def _reasons(overlap: Overlap, qpv_names: Mapping[str, str]) -> list[str]:
    reasons = []
    if overlap.duplicate:
        reasons.append("même structure, même action : dépôt en double ?")
    elif overlap.same_applicant:
        reasons.append("même structure")
    places = [f"{qpv_names[q]} ({q})" if q in qpv_names else q for q in overlap.same_qpvs]
    reasons.append(f"{'mêmes quartiers' if len(places) > 1 else 'même quartier'} : {_listing(places)}")
    if overlap.same_publics:
        plural = "mêmes publics" if len(overlap.same_publics) > 1 else "même public"
        reasons.append(f"{plural} : {_listing(overlap.same_publics)}")
    reasons.append(f"périodes qui se chevauchent ({overlap.period_overlap_days} jours)")
    if overlap.text_similarity >= MIN_TEXT:
        terms = f" : {_listing(overlap.shared_terms)}" if overlap.shared_terms else ""
        reasons.append(f"textes proches ({french_number(overlap.text_similarity)}){terms}")
    if overlap.shared_elements:
        reasons.append(f"mêmes éléments de vision : {_listing(overlap.shared_elements)}")
    if overlap.same_call:
        reasons.append("même appel à projets")
    if overlap.same_funders:
        reasons.append(f"mêmes financeurs : {_listing(overlap.same_funders)}")
    if overlap.shared_partners and not overlap.same_applicant:
        reasons.append(f"déjà partenaires : {_listing(overlap.shared_partners)}")
    return reasons


def suggest_consortium(
    project_id: str,
    overlaps: Sequence[Overlap],
    *,
    index: OverlapIndex | None = None,
    min_score: float = CONSORTIUM_MIN_SCORE,
) -> Consortium:
    """The applications that compete with `project_id` (among its `overlaps`: another structure, score at least
    `min_score`, at least `CONSORTIUM_MIN_DAYS` days in common, and the same public with something of the
    same action — close texts or a shared vision element — or texts close enough alone), proposed to co-build
    one project. Double submissions of the same structure are named apart, not as partners. The lead proposed
    is the member that overlaps the others most (needs `index`; otherwise the application under
    instruction). A person decides."""
    competitors = [
        o
        for o in overlaps
        if not o.same_applicant
        and o.score >= min_score
        and o.period_overlap_days >= CONSORTIUM_MIN_DAYS
        and (
            (o.same_publics and (o.text_similarity >= MIN_TEXT or o.shared_elements))
            or o.text_similarity >= 2 * MIN_TEXT
        )
    ]
    rationale = [
        f"{o.other} : dépôt en double de la même structure, à retirer ou fusionner avant tout"
        for o in overlaps
        if o.duplicate
    ]
    if not competitors:
        rationale.insert(
            0, "Aucune candidature concurrente sur le même public, au même endroit, en même temps."
        )
        return Consortium(members=[project_id], lead=project_id, rationale=rationale)
    members = [project_id] + [o.other for o in competitors]
    lead, centrality = _lead(project_id, members, competitors, index)
    publics = sorted({p for o in competitors for p in o.same_publics})
    places = sorted({q for o in competitors for q in o.same_qpvs})
    summary = f"{len(members)} candidatures visent"
    summary += f" le même public ({_listing(publics)})" if publics else " la même action"
    summary += f" au même endroit ({_listing(places)}) sur des périodes qui se chevauchent"
    rationale = [f"{summary} : les co-construire plutôt que les mettre en concurrence.", *rationale]
    rationale += [
        f"{o.other} ({o.other_applicant or 'structure inconnue'}) : {' ; '.join(o.reasons)}"
        for o in competitors
    ]
    reason = (
        f"recoupe le plus les autres candidatures (score cumulé {french_number(centrality)})"
        if index is not None
        else "candidature en cours d'instruction"
    )
    rationale.append(f"Chef de file proposé : {lead}, {reason} ; à confirmer avec les structures.")
    return Consortium(members=[lead] + [m for m in members if m != lead], lead=lead, rationale=rationale)


def _lead(
    project_id: str, members: list[str], competitors: Sequence[Overlap], index: OverlapIndex | None
) -> tuple[str, float]:
    """The member with the highest sum of scores with the other members (the first on a tie)."""
    if index is None or any(member not in index.rows for member in members):
        return project_id, sum(o.score for o in competitors)
    totals = dict.fromkeys(members, 0.0)
    for position, left in enumerate(members):
        for right in members[position + 1 :]:
            overlap = index.compare(left, right)
            if overlap is not None:
                totals[left] += overlap.score
                totals[right] += overlap.score
    lead = max(members, key=lambda member: totals[member])
    return lead, totals[lead]


# Words of one family (a verb, its noun, its adjective): one stands for another almost fully. Listed rather than
# guessed from spelling: « associé » and « association », « équipe » and « équipement » begin alike.
WORD_FAMILIES = """
prevenir prevention preventif | acces acceder accessible accessibilite | rencontrer rencontre | isolement isoler isole
securite securiser securise | deplacer deplacement | animer animation | engager engagement | reussir reussite
former formation | soigner soin | ecouter ecoute | jardin jardiner jardinage | verdir vert verdure vegetaliser
apaiser apaisement apaise | accompagner accompagnement | inclure inclusion | inserer insertion
participer participation | lire lecture lecteur | sport sportif | culture culturel | econome economiser economie
loger logement | renover renovation | amenager amenagement | nettoyer nettoyage proprete propre | ouvrir ouverture ouvert
voisin voisinage | energie energetique | sante sanitaire | mobilite mobile | entretenir entretien
"""


@functools.cache
def _kin() -> dict[str, frozenset[str]]:
    families = [
        frozenset(lemmas(" ".join(group.split()))) for group in WORD_FAMILIES.replace("\n", " | ").split("|")
    ]
    return {word: family - {word} for family in families for word in family}


@functools.cache
def _concepts() -> tuple[tuple[frozenset[str], frozenset[str]], ...]:
    """`lexicon.RELATED_WORDS` and `VISION_RELATED` as (heads, related terms), lemmatised once per process."""

    def terms(words: str) -> frozenset[str]:
        found = (" ".join(lemmas(word.replace("-", " "))) for word in words.split())
        return frozenset(term for term in found if term)

    return tuple(
        (terms(heads), terms(related))
        for heads, _, related in (line.partition(":") for line in [*RELATED_WORDS, *VISION_RELATED])
    )


@functools.lru_cache(maxsize=4096)
def _element_words(text: str) -> tuple[tuple[str, float, frozenset[str]], ...]:
    """An element's own words: (lemma, weight before idf, the related terms that can stand for it). A related
    term stands for the own words of the concept heads the element names (« espaces publics » -> banc)."""
    words = lemmas(text)
    named = set(features(words))
    helpers: dict[str, set[str]] = {word: set() for word in words}
    for heads, related in _concepts():
        for head in heads & named:
            for word in head.split(" "):
                helpers[word] |= (heads | related) - {word}
    return tuple(
        (word, GENERIC_WEIGHT if word in GENERIC_WORDS else 1.0, frozenset(helpers[word])) for word in helpers
    )


def coherence(
    text: str,
    elements: Mapping[str, str],
    declared: Iterable[str],
    threshold: float = COHERENCE_THRESHOLD,
    *,
    index: OverlapIndex | None = None,
) -> Coherence:
    """Which vision elements (id -> one-line text) a project's text supports, which declared ones it does not
    support, which it supports without declaring them.

    An element's score is how much of its words the text covers, over the weight of its `SUPPORT_WORDS`
    heaviest words (capped at 1). A word is covered fully when the text contains it, at `RELATED_COVER` by a
    word of its family (« prévention » for « prévenir »), or by `RELATED_PER_WORD` per related word of a
    concept the element names, up to `RELATED_COVER` (« bancs », « éclairage » for « espaces publics »). Each
    word weighs its inverse document frequency (among the texts of `index` when given, among the elements
    otherwise); words of intention (« favoriser », « quartier ») weigh `GENERIC_WEIGHT` of it. An element is
    supported at `threshold` or above."""
    present, surfaces = _text_terms(text)
    bags = {element_id: _element_words(element_text) for element_id, element_text in elements.items()}
    idf = _idf(bags, index)
    scores: dict[str, float] = {}
    matched = []
    for element_id, bag in bags.items():
        covered = 0.0
        own: list[str] = []
        related: list[str] = []
        weights = [weight * idf(word) for word, weight, _ in bag]
        # A long element is supported by a few of its words: the need is at most SUPPORT_WORDS of its heaviest.
        need = sum(sorted(weights, reverse=True)[:SUPPORT_WORDS])
        for (word, _, helpers), weight in zip(bag, weights, strict=True):
            if word in present:
                covered += weight
                own.append(word)
            elif found := sorted(_kin().get(word, frozenset()) & present):
                covered += weight * RELATED_COVER  # « prévention » for « prévenir »
                related += [term for term in found if term not in related]
            elif found := sorted(helpers & present):
                covered += weight * min(RELATED_COVER, RELATED_PER_WORD * len(found))
                related += [term for term in found if term not in related]
        scores[element_id] = score = round(min(1.0, covered / need), 3) if need else 0.0
        if need and score >= threshold:
            terms = _distinct(own + [term for term in related if term not in own])
            matched.append(
                ElementMatch(element_id, score, [surfaces.get(term, display(term)) for term in terms])
            )
    matched.sort(key=lambda match: (-match.score, match.id))
    declared = set(declared)
    return Coherence(
        matched=matched,
        unsupported=sorted(declared - {match.id for match in matched}),
        undeclared=[match.id for match in matched if match.id not in declared],
        scores=scores,
    )


def _text_terms(text: str) -> tuple[set[str], dict[str, str]]:
    """The lemmas and pairs of lemmas of a text (a lemma seen only inside a `FIXED_EXPRESSIONS` pair counts as
    the pair only), and how each was first written."""
    written = tokens(text)
    present: set[str] = set()
    surfaces: dict[str, str] = {}
    inside = [False] * len(written)
    for position, ((surface, lemma), (next_surface, next_lemma)) in enumerate(itertools.pairwise(written)):
        pair = f"{lemma} {next_lemma}"
        present.add(pair)
        surfaces.setdefault(pair, f"{surface} {next_surface}")
        if pair in FIXED_EXPRESSIONS:
            inside[position] = inside[position + 1] = True
    for (surface, lemma), fixed in zip(written, inside, strict=True):
        if not fixed:
            present.add(lemma)
            surfaces.setdefault(lemma, surface)
    return present, surfaces


def _idf(bags: Mapping[str, tuple], index: OverlapIndex | None) -> Callable[[str], float]:
    if index is not None:
        return index.idf
    frequency: Counter[str] = Counter(word for bag in bags.values() for word, _, _ in bag)
    total = len(bags)
    return lambda term: math.log((1 + total) / (1 + frequency[term])) + 1.0

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from cooperer.actors.demo import load_demo_directory
from cooperer.calls.demo import clear_demo_calls, load_demo_calls
from cooperer.communities.demo import load_demo_communities
from cooperer.consultations.demo import load_demo_consultation
from cooperer.core import demo
from cooperer.knowledge.demo import load_demo_knowledge, load_demo_records
from cooperer.measurement import importers
from cooperer.measurement.demo import clear_demo_measurement, load_demo_measurement, load_demo_report
from cooperer.territories.importers import ReferenceImportError
from cooperer.visions.demo import clear_demo_visions, load_demo_visions


class Command(BaseCommand):
    help = (
        "Charge la démonstration : données de référence officielles (depuis COOPERER_REFERENCE_DIR ou les URL "
        "officielles), contrats de ville de Saint-Étienne Métropole et de Mulhouse Alsace Agglomération, comptes "
        "de démonstration. Peut être relancée sans effet de bord."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reference-dir", default=None, help="dossier des fichiers de référence")

    def handle(self, *args, **options):
        # The demo's decisions are kept on the demo accounts' « Mon compte » page but not e-mailed: their addresses
        # are fictional, and a configured SMTP server must not receive them.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            self.load(**options)

    def load(self, reference_dir=None, **options):
        folder = settings.COOPERER_REFERENCE_DIR if reference_dir is None else reference_dir
        where = folder or "les URL officielles (geo.api.gouv.fr, data.gouv.fr)"
        self.stdout.write(f"Import des données de référence depuis {where}…")
        try:
            demo.import_reference_files(folder, self.stdout.write)
            contracts = demo.load_demo_territories()
        except (ReferenceImportError, ValueError) as exc:
            for error in getattr(exc, "errors", [])[:50]:
                self.stderr.write(f"  {error}")
            raise CommandError(str(exc)) from exc
        for contract in contracts:
            self.stdout.write(f"Contrat : {contract.name} — {contract.qpvs.count()} QPV")
        clear_demo_measurement()
        clear_demo_calls()
        clear_demo_visions()
        count = load_demo_directory()
        self.stdout.write(f"Annuaire : {count} structures fictives et leurs liens de coopération 2022–2026")
        communities = load_demo_communities()
        for community in communities:
            self.stdout.write(f"Communauté : {community.name}")
        consultation = load_demo_consultation()
        if consultation is not None:
            self.stdout.write(
                f"Concertation : {consultation.title} — {consultation.sessions.count()} séances, "
                f"{consultation.contributions.count()} contributions fictives"
            )
            from cooperer.consultations.analysis import run as analyse

            analyse(consultation)
            self.stdout.write(
                "Analyse de la concertation : thèmes, sujets émergents, comparaison des publics"
            )
        visions = load_demo_visions()
        self.stdout.write(f"Visions : {len(visions)} visions fictives (14 quartiers, la métropole, Mulhouse)")
        accounts = demo.load_demo_accounts()  # before the calls: their instructors score the applications
        calls = load_demo_calls()
        if calls:
            self.stdout.write(
                f"Appels à projets : « {calls[0].name} » ({calls[0].applications.count()} demandes fictives, "
                f"premières décisions motivées) et « {calls[1].name} » (ouvert)"
            )
        made = load_demo_measurement()
        if made:
            self.stdout.write(
                f"Mesure partagée : {made['calls']} éditions antérieures des appels (2024–2026), {made['bilans']} "
                f"bilans fictifs déposés, {made['outcomes']} changements attendus suivis par un indicateur"
            )
        try:
            context = importers.load_demo_context(folder)
        except importers.ContextImportError as exc:
            for error in exc.errors[:50]:
                self.stderr.write(f"  {error}")
            raise CommandError(str(exc)) from exc
        if context:
            self.stdout.write(
                f"Données de contexte : {context} valeurs officielles des QPV des deux contrats "
                f"({importers.DEMO_FILE.name})"
            )
        knowledge = load_demo_knowledge(consultation, calls, communities)
        if knowledge:
            self.stdout.write(
                f"Kit de méthode : {len(knowledge['templates'])} modèles publiés ; essaimage : "
                + " ; ".join(lineage.note + " → " + lineage.target_place for lineage in knowledge["lineages"])
                + f" ; événement ouvert « {knowledge['event']} »"
            )
        report = load_demo_report()
        if report:
            self.stdout.write(f"Rapport : {report}")
        records = load_demo_records()
        if records:
            self.stdout.write(f"Capitalisation : {len(records)} fiches d'expérience fictives publiées")
        self.stdout.write(
            self.style.SUCCESS(f"\nComptes de démonstration (mot de passe : {demo.DEMO_PASSWORD})")
        )
        for account in accounts:
            self.stdout.write(f"  {account.username:48} {account.role.label}")

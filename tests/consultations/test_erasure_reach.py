import base64
import datetime
import re
import zlib

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cooperer.consultations import analysis
from cooperer.consultations.models import AnalysisRun, Contribution
from cooperer.consultations.retention import RUN_RETENTION_DAYS, quoted_ids
from cooperer.consultations.synthesis import synthesis_context
from tests.consultations.fixtures import MONTREYNAUD_PROFESSIONALS, MONTREYNAUD_RESIDENTS


@pytest.fixture
def analysed(consultation, sessions):
    rows = [
        Contribution(consultation=consultation, session=sessions[audience], qpv=sessions[audience].qpv,
                     audience=audience, kind="constat", text=f"{text} ({n})", source="saisie_assistee")
        for audience, texts in (("habitants", MONTREYNAUD_RESIDENTS), ("professionnels", MONTREYNAUD_PROFESSIONALS))
        for n in range(3)
        for text in texts
    ]  # fmt: skip
    Contribution.objects.bulk_create(rows)
    older = analysis.run(consultation)
    AnalysisRun.objects.filter(pk=older.pk).update(created_at=timezone.now() - datetime.timedelta(days=1))
    latest = analysis.run(consultation)
    # The first quoted in the order of the rows (ids compared as numbers: as text, « 1000 » comes before « 999 »).
    quoted = Contribution.objects.get(pk=min(quoted_ids(latest.report), key=int))
    return quoted


def pdf_text(content: bytes) -> str:
    """The text drawn in a reportlab PDF: with its standard fonts, the strings sit in the page streams
    (ASCII85, then deflate)."""
    streams = re.findall(rb"/ASCII85Decode /FlateDecode \].*?stream\r?\n(.*?)~>", content, re.S)
    drawn = "".join(zlib.decompress(base64.a85decode(stream)).decode("latin-1") for stream in streams)
    drawn = re.sub(r"\\([0-7]{3})", lambda match: bytes([int(match[1], 8)]).decode("cp1252"), drawn)
    return re.sub(r"\\([()\\])", r"\1", drawn)


def erase(client, users, contribution):
    client.force_login(users["se_animator"])
    url = reverse("consultations:moderate", args=[contribution.consultation_id, contribution.pk])
    client.post(url, {"action": "effacer", "reason": "Courriel du 12/11/2026"})


def test_an_erased_contribution_leaves_the_analysis_page_and_every_stored_run(client, users, analysed):
    page = reverse("consultations:analysis", args=[analysed.consultation_id])
    client.force_login(users["se_animator"])
    assert analysed.text in client.get(page).content.decode()
    erase(client, users, analysed)
    for user in ("se_animator", "state_instructor"):
        client.force_login(users[user])
        assert analysed.text not in client.get(page).content.decode()
    for run in AnalysisRun.objects.all():
        assert analysed.text not in str(run.report)
        assert str(analysed.pk) not in quoted_ids(run.report)


def test_a_hidden_contribution_is_not_quoted_but_comes_back_when_restored(client, users, analysed):
    client.force_login(users["se_animator"])
    moderate = reverse("consultations:moderate", args=[analysed.consultation_id, analysed.pk])
    page = reverse("consultations:analysis", args=[analysed.consultation_id])
    client.post(moderate, {"action": "masquer", "reason": "Propos injurieux"})
    assert analysed.text not in client.get(page).content.decode()
    client.post(moderate, {"action": "retablir", "reason": "Relu"})
    assert analysed.text in client.get(page).content.decode()


def test_an_erased_contribution_leaves_the_syntheses_and_the_export(client, users, analysed):
    consultation, code = analysed.consultation, analysed.qpv.code
    synthesis = reverse("consultations:qpv_synthesis_print", args=[consultation.pk, code])
    pdf_url = reverse("consultations:qpv_synthesis_pdf", args=[consultation.pk, code])
    client.force_login(users["se_animator"])
    assert analysed.text in pdf_text(client.get(pdf_url).content)
    assert analysed.text in client.get(synthesis).content.decode()
    erase(client, users, analysed)
    assert analysed.text not in client.get(synthesis).content.decode()
    quoted = [text for _, items in synthesis_context(consultation, code)["quotes"] for text, _ in items]
    drawn = pdf_text(client.get(pdf_url).content)
    assert analysed.text not in drawn and quoted[0] in drawn
    export = client.get(reverse("consultations:export_csv", args=[consultation.pk])).content.decode()
    assert analysed.text not in export and "Le bus ne monte plus" in export  # its twins stay


def test_old_runs_go_after_the_retention_period_but_each_consultation_keeps_its_latest(analysed):
    consultation = analysed.consultation
    long_ago = timezone.now() - datetime.timedelta(days=RUN_RETENTION_DAYS + 1)
    AnalysisRun.objects.filter(consultation=consultation).update(created_at=long_ago)
    latest = AnalysisRun.objects.filter(consultation=consultation).order_by("pk").last()
    AnalysisRun.objects.filter(pk=latest.pk).update(created_at=long_ago + datetime.timedelta(hours=1))
    recent = analysis.run(consultation)
    AnalysisRun.objects.filter(pk=recent.pk).update(created_at=timezone.now() - datetime.timedelta(days=30))
    call_command("purge_analyses")
    assert set(AnalysisRun.objects.values_list("pk", flat=True)) == {recent.pk}
    AnalysisRun.objects.filter(pk=recent.pk).update(created_at=long_ago)
    call_command("purge_analyses")
    assert set(AnalysisRun.objects.values_list("pk", flat=True)) == {recent.pk}

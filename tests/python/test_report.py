"""lmatch report on the sign-up sheet of issue 16: one self-contained HTML
file (no script, nothing from the network) with a page per venue and time,
the people not placed by reason with what would place them, plots and a map;
then Debian's Chromium, headless, renders it without console errors, prints
it to PDF (page count checked, every placed name in its text) and takes a
screenshot kept as a test artifact. Without a Chromium that runs, the browser
tests skip and say why."""
import csv
import html
import json
import os
import re
import shutil
import subprocess

import pytest

from conftest import run_lmatch

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "coordinator")
SHEET, VENUES = os.path.join(DATA, "signup.csv"), os.path.join(DATA, "venues.csv")
ARTIFACTS = os.environ.get("LIBMATCH_ARTIFACTS")


def sheet():
    with open(SHEET, encoding="utf-8", newline="") as f:
        return {row["id"]: row for row in csv.DictReader(f)}


@pytest.fixture(scope="module")
def formed(lmatch, tmp_path_factory):
    """The groups of the sheet (CSV and JSON), as a coordinator makes them."""
    folder = tmp_path_factory.mktemp("report")
    groups, result = folder / "groups.csv", folder / "groups.json"
    run_lmatch(lmatch, "groups", SHEET, "--venues", VENUES, "--quiet", "-o", groups,
               "--json", result)
    return folder, groups, json.loads(result.read_text(encoding="utf-8"))


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_report_holds_every_group_and_everybody_out(lmatch, formed, lang):
    folder, groups, data = formed
    out = folder / ("report-%s.html" % lang)
    run_lmatch(lmatch, "report", SHEET, groups, "--venues", VENUES, "--lang", lang, "-o", out)
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="%s">' % lang in page
    # self-contained: no script, no external reference of any kind
    assert "<script" not in page
    assert not re.search(r"""(src|href)=["'](?!#)""", page)
    assert "@import" not in page and "url(" not in page
    people = sheet()
    names = [html.unescape(n) for n in re.findall(r'<td class="person">([^<]*)</td>', page)]
    assert sorted(names) == sorted(people[p]["naam"] for p in people)  # everybody, once
    # one page per (venue, slot) of the groups
    places = {(g["venue"], g["slot"]) for g in data["groups"]}
    assert page.count('<section class="page venue">') == len(places)
    # the people out, by reason, with what would place them
    out_ids = [u["id"] for u in data["unassigned"]]
    reasons = {u["reason"] for u in data["unassigned"]}
    assert len(re.findall(r'<p class="hint">', page)) == len(reasons)
    for pid in out_ids:
        assert html.escape(people[pid]["naam"]) in page
    # the plots and the map
    assert page.count("<svg") == 4
    for venue in data["groups"]:
        assert venue["venue"] in page
    words = {"en": ["Not placed", "Group composition", "Map"],
             "nl": ["Niet geplaatst", "Samenstelling van de groepen", "Kaart"]}[lang]
    for word in words:
        assert word in page


def test_without_a_groups_file_the_report_forms_them(lmatch, formed, tmp_path):
    folder, groups, data = formed
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    run_lmatch(lmatch, "report", SHEET, "--venues", VENUES, "-o", a)
    run_lmatch(lmatch, "report", SHEET, groups, "--venues", VENUES, "-o", b)
    # the same options form the same groups, so the two reports agree
    assert a.read_bytes() == b.read_bytes()


def test_report_usage_errors(lmatch, tmp_path):
    for args, message in ((["--lang", "fr", "-o", tmp_path / "r.html"], "--lang must be nl or en"),
                          ([], "needs -o REPORT.html"),
                          (["-o", "-", "--pdf", tmp_path / "r.pdf"], "--pdf needs the HTML")):
        done = run_lmatch(lmatch, "report", SHEET, *args, check=False)
        assert done.returncode == 2 and message in done.stderr, done.stderr
    done = run_lmatch(lmatch, "report", SHEET, "-o", tmp_path / "r.html", "--pdf",
                      tmp_path / "r.pdf", "--chromium", tmp_path / "no-such-chromium",
                      check=False)
    assert done.returncode == 1 and "no-such-chromium" in done.stderr
    assert not (tmp_path / "r.pdf").exists()


# ---- in a browser ---------------------------------------------------------------------


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("Chromium is not installed (apt-get install chromium; scripts/deps.sh test "
                "installs it): the browser tests cannot run")


def browser(path, *args, timeout=120):
    done = subprocess.run([path, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                           "--enable-logging=stderr", "--v=0"] + [str(a) for a in args],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          timeout=timeout, check=False)
    if done.returncode != 0 and "--screenshot" not in " ".join(map(str, args)):
        pytest.skip("Chromium cannot run here (exit %d): %s" % (done.returncode,
                                                               done.stderr[-300:]))
    return done


def pdf_pages(path):
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(path)], stdout=subprocess.PIPE, text=True,
                              check=True).stdout
        return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    return len(re.findall(rb"/Type\s*/Page\b", path.read_bytes()))


def test_chromium_renders_prints_and_shows_the_report(lmatch, formed, tmp_path):
    path = chromium()
    folder, groups, data = formed
    report, pdf = tmp_path / "report.html", tmp_path / "report.pdf"
    run_lmatch(lmatch, "report", SHEET, groups, "--venues", VENUES, "--lang", "nl", "-o",
               report, "--pdf", pdf)
    # renders without console errors (the report has no script; a broken
    # document or resource would still be logged)
    profile = tmp_path / "profile"
    done = browser(path, "--user-data-dir=%s" % profile, "--dump-dom", report.as_uri())
    assert "Groepsoverzicht" in done.stdout
    assert not re.search(r"CONSOLE\(|Uncaught|ERR_FILE_NOT_FOUND|Failed to load", done.stderr)
    # printed: a page for the summary, each venue and time, the people out,
    # the plots and the map (a full venue page may run onto a second)
    places = {(g["venue"], g["slot"]) for g in data["groups"]}
    pages = pdf_pages(pdf)
    assert len(places) + 4 <= pages <= 2 * len(places) + 4, pages
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], stdout=subprocess.PIPE, text=True,
                              check=True).stdout
        people = sheet()
        flat = " ".join(text.split())
        for g in data["groups"]:
            for pid in g["members"]:
                assert people[pid]["naam"] in flat, people[pid]["naam"]
    # a screenshot kept as the test's artifact
    folder_out = ARTIFACTS or str(tmp_path)
    os.makedirs(folder_out, exist_ok=True)
    shot = os.path.join(folder_out, "report.png")
    if os.path.exists(shot):
        os.remove(shot)
    browser(path, "--user-data-dir=%s" % profile, "--screenshot=%s" % shot,
            "--window-size=1000,1400", report.as_uri())
    assert os.path.getsize(shot) > 10000
    with open(shot, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    shutil.copy(pdf, os.path.join(folder_out, "report.pdf"))
    print("report screenshot: %s; PDF: %s (%d pages)" % (shot, os.path.join(folder_out,
                                                                          "report.pdf"), pages))

"""Screenshots of every screen for a reviewer (issue 26): each demo role (and a visitor) on every page it may open,
in Chinese and English, on a desktop (1280 × 900) and a phone (390 × 844), full page, from the demo database.

    make screenshots                      # everything → var/screenshots/index.html
    .venv/bin/python scripts/screenshots.py --roles port,enterprise --languages en --devices phone

A page is taken as the role sees it: detail pages open the first record of that role's own scope; a page the
role may not open is listed in the index with its status instead of a picture. Needs the demo database
(`make screenshots` migrates and loads it first) and Debian's Chromium.
"""

import argparse
import html
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.django_setup import setup  # noqa: E402
from bench.serving import gunicorn  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "RiskGate-demo-2026"
ROLES = ["anonymous", "admin", "warning", "xian", "harbin", "port", "assessor", "expert", "partner", "auditor",
         "enterprise", "point", "lab"]  # fmt: skip
LANGUAGES = {"zh-hans": "zh-CN", "en": "en-GB"}
DEVICES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def pages(user) -> list[tuple[str, str | None]]:
    """(slug, path or None) of every page, for this user (None: a visitor); a detail page opens the first record
    of the user's own scope, and is left out (None) when there is none."""
    from django.core.exceptions import PermissionDenied
    from django.urls import reverse

    from riskgate.accounts.models import Organisation, OrganisationKind
    from riskgate.assessment.models import Assessment
    from riskgate.core import exports
    from riskgate.intake.models import RiskCase, RiskInformation
    from riskgate.monitoring import queries as monitoring
    from riskgate.monitoring.models import DrawStatus, SpotCheckDraw
    from riskgate.response.models import Recall
    from riskgate.response.queries import measures, obligations, recalls
    from riskgate.targeting import queries as targeting
    from riskgate.warnings.models import Recipient, WarningNotice

    def first(rows, name):
        """The page of the first of `rows` (a query, or a function giving one that may refuse this user)."""
        try:
            row = (rows() if callable(rows) else rows).first()
        except PermissionDenied:
            return None
        return reverse(name, kwargs={"pk": row.pk}) if row is not None else None

    def scoped(model):
        return model.objects.visible_to(user) if user is not None else model.objects.none()

    public_warning = WarningNotice.objects.filter(public=True, current=True).order_by("-published_at").first()
    public_recall = Recall.objects.exclude(published_at=None).order_by("-published_at").first()
    public = [
        ("home", "/"),
        ("portal", reverse("warnings:portal")),
        ("portal-warning", public_warning and reverse("warnings:public_detail", args=[public_warning.lineage_id])),
        ("recall-notices", reverse("response:public_recalls")),
        ("recall-notice", public_recall and reverse("response:public_recall", args=[public_recall.pk])),
        ("report", reverse("intake:public_report")),
        ("report-status", reverse("intake:receipt_status")),
        ("subscribe", reverse("warnings:subscribe")),
        ("spot-checks-public", reverse("monitoring:portal_draws")),
        (
            "spot-check-public",
            first(SpotCheckDraw.objects.filter(status=DrawStatus.PUBLISHED), "monitoring:portal_draw"),
        ),
        ("monitoring-results", reverse("monitoring:portal_results")),
    ]
    if user is None:
        return [*public, ("sign-in", reverse("accounts:login"))]
    cases = RiskCase.objects.filter(organisation__in=Organisation.objects.visible_to(user))
    enterprises = Organisation.objects.visible_to(user).filter(kind=OrganisationKind.ENTERPRISE)
    return [
        *public,
        ("intake", reverse("intake:list")),
        ("intake-item", first(scoped(RiskInformation).order_by("-received_at"), "intake:detail")),
        ("intake-new", reverse("intake:create")),
        ("links", reverse("intake:links")),
        ("case", first(cases.order_by("-created_at"), "intake:case")),
        ("imports", reverse("intake:imports")),
        ("enterprise-reports", reverse("intake:enterprise_reports")),
        ("enterprise-report-new", reverse("intake:enterprise_report_create")),
        ("assessments", reverse("assessment:list")),
        ("assessment", first(scoped(Assessment).order_by("-id"), "assessment:detail")),
        ("assessment-new", reverse("assessment:create")),
        ("registry", reverse("assessment:registry")),
        ("warnings", reverse("warnings:manage_list")),
        ("warning", first(scoped(WarningNotice).order_by("-id"), "warnings:manage")),
        ("warning-new", reverse("warnings:create")),
        ("inbox", reverse("warnings:inbox")),
        ("inbox-item", first(Recipient.objects.filter(organisation=user.organisation), "warnings:inbox_item")),
        ("rules", reverse("targeting:rules")),
        ("rule", first(lambda: targeting.rules(user).order_by("-id"), "targeting:rule")),
        ("rule-new", reverse("targeting:rule_create")),
        ("tasks", reverse("targeting:tasks")),
        ("task", first(lambda: targeting.tasks(user).order_by("-id"), "targeting:task")),
        ("supervision", reverse("targeting:policy")),
        ("measures", reverse("response:list")),
        ("measure", first(lambda: measures.visible(user).order_by("-id"), "response:detail")),
        ("measure-new", reverse("response:create")),
        ("recalls", reverse("response:recalls")),
        ("recall", first(lambda: recalls.visible(user).order_by("-id"), "response:recall")),
        ("concerns", reverse("response:concerns")),
        ("obligations", reverse("response:obligations")),
        ("obligation", first(lambda: obligations.visible(user).order_by("-id"), "response:obligation")),
        ("signals", reverse("monitoring:signals")),
        ("signal", first(lambda: monitoring.visible(user).order_by("-week"), "monitoring:signal")),
        ("plans", reverse("monitoring:plans")),
        ("plan", first(lambda: monitoring.programme.current_plans(user), "monitoring:plan")),
        ("plan-new", reverse("monitoring:plan_new")),
        ("points", reverse("monitoring:points")),
        ("samples", reverse("monitoring:samples")),
        ("sample", first(lambda: monitoring.programme.samples(user).order_by("-id"), "monitoring:sample")),
        ("sample-new", reverse("monitoring:sample_new")),
        ("draws", reverse("monitoring:draws")),
        ("draw", first(lambda: monitoring.programme.draws(user), "monitoring:draw")),
        ("draw-new", reverse("monitoring:draw_new")),
        ("my-checks", reverse("monitoring:my_checks")),
        ("external-checks", reverse("monitoring:external_checks")),
        ("organisations", reverse("accounts:organisation_list")),
        ("organisation", first(enterprises.order_by("name"), "accounts:organisation_detail")),
        ("users", reverse("accounts:user_list")),
        ("tokens", reverse("accounts:token_list")),
        ("two-factor", reverse("accounts:totp_setup")),
        ("audit", reverse("core:audit_list")),
        ("exports", reverse("core:exports")),
        ("export", first(exports.visible(user).order_by("-id"), "core:export")),
    ]


def sign_in(context, base: str, username: str) -> None:
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("#main button[type=submit]").click()
    page.wait_for_url(f"{base}/", timeout=15000)
    page.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--roles", default=",".join(ROLES))
    parser.add_argument("--languages", default=",".join(LANGUAGES))
    parser.add_argument("--devices", default=",".join(DEVICES))
    parser.add_argument("--out", default=str(ROOT / "var" / "screenshots"))
    args = parser.parse_args(argv)
    roles, languages, devices = (args.roles.split(","), args.languages.split(","), args.devices.split(","))
    for value, known in ((roles, ROLES), (languages, LANGUAGES), (devices, DEVICES)):
        unknown = set(value) - set(known)
        if unknown:
            print(f"error: unknown {', '.join(sorted(unknown))} (known: {', '.join(known)})", file=sys.stderr)
            return 2
    if not Path(CHROMIUM).exists():
        print("error: Debian's chromium is not installed (make system-deps)", file=sys.stderr)
        return 1
    setup()
    from django.conf import settings

    from riskgate.accounts.models import User

    if not User.objects.filter(username="warning").exists():
        print("error: no demo data here: run `make screenshots` (it loads the demo) or `make demo`", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    out = Path(args.out)
    env = {"RISKGATE_DEV": "1", "USE_TLS": "0", "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT / "src")}
    listing: list[tuple[str, str, str, str, str, str]] = []  # language, device, role, slug, picture or "", status
    started = time.perf_counter()
    # Every role's pages are worked out before Playwright runs: its sync API holds an event loop, in which
    # Django refuses database queries.
    targets = {
        role: [
            (slug, path)
            for slug, path in pages(None if role == "anonymous" else User.objects.get(username=role))
            if path
        ]
        for role in roles
    }
    with gunicorn({**os.environ, **env}) as (base, _port, _workers, _pid), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for role in roles:
            for language in languages:
                for device in devices:
                    context = browser.new_context(viewport=DEVICES[device], locale=LANGUAGES[language])
                    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}])
                    if role != "anonymous":
                        sign_in(context, base, role)
                    page = context.new_page()
                    folder = out / language / device / role
                    shutil.rmtree(folder, ignore_errors=True)  # pictures of an earlier run, numbered otherwise
                    folder.mkdir(parents=True)
                    for n, (slug, path) in enumerate(targets[role], 1):
                        response = page.goto(base + path)
                        status = response.status if response else 0
                        picture = ""
                        if status == 200:
                            picture = f"{language}/{device}/{role}/{n:02d}-{slug}.png"
                            page.screenshot(path=str(out / picture), full_page=True)
                        listing.append((language, device, role, slug, picture, f"{status} {path}"))
                    context.close()
        browser.close()
    write_index(out, listing)
    taken = sum(1 for row in listing if row[4])
    print(
        f"{taken} screenshots of {len(listing)} page visits in {time.perf_counter() - started:.0f} s: {out}/index.html"
    )
    return 0


def write_index(out: Path, listing) -> None:
    rows = []
    current = None
    for language, device, role, slug, picture, status in listing:
        heading = (language, device, role)
        if heading != current:
            rows.append(f"<h2 id='{'-'.join(heading)}'>{html.escape(' · '.join(heading))}</h2>")
            current = heading
        if picture:
            rows.append(
                f"<figure><a href='{picture}'><img src='{picture}' loading='lazy' width='320'></a>"
                f"<figcaption>{html.escape(slug)} <small>{html.escape(status)}</small></figcaption></figure>"
            )
        else:
            rows.append(f"<p class='refused'>{html.escape(slug)}: {html.escape(status)}</p>")
    style = (
        "body{font-family:sans-serif;margin:1rem} figure{display:inline-block;vertical-align:top;margin:.5rem;"
        "width:320px} img{border:1px solid #ccc;max-height:480px;object-fit:cover;object-position:top}"
        " .refused{color:#777;margin:.2rem .5rem;font-size:.85rem}"
    )
    page = (
        "<!doctype html><meta charset='utf-8'><title>RiskGate screenshots</title>"
        f"<style>{style}</style><h1>RiskGate — every screen</h1>{''.join(rows)}"
    )
    (out / "index.html").write_text(page, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())

"""The documentation builds with warnings as errors, fully offline, and its math renders in
a real browser (headless Chromium) from the bundled MathJax.

Slow (the build runs every example): ``python -m pytest -m slow tests/test_docs.py``.
``.ci/run`` builds the site first and points ``LAGRANGEKIT_DOCS_HTML`` at it, so the
build is not repeated; without that variable the test builds into a temporary folder.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow

#: The tutorial page the browser renders (its source is examples/plot_lagrange_kkt.py),
#: with a fallback for builds where that example is left out.
TUTORIAL_PAGES = ("auto_examples/plot_lagrange_kkt.html", "user_guide/problems.html")


def _sphinx(builder: str, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", builder, "docs", str(out), *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )


@pytest.fixture(scope="module")
def html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("sphinx", reason="the docs extra is not installed: pip install -e '.[docs]'")
    prebuilt = os.environ.get("LAGRANGEKIT_DOCS_HTML")
    if prebuilt:
        return Path(prebuilt).resolve()
    out = tmp_path_factory.mktemp("html")
    proc = _sphinx("html", out)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    assert "WARNING" not in proc.stderr, proc.stderr
    return out


def test_build_has_every_page(html: Path) -> None:
    for page in (
        "index.html",
        "getting_started.html",
        "user_guide/index.html",
        "user_guide/cli.html",
        "auto_examples/index.html",
        "api/index.html",
        "benchmarks.html",
    ):
        assert (html / page).is_file(), page
    assert (html / "_static" / "mathjax" / "tex-chtml.js").is_file()


class _Resources(HTMLParser):
    """Collects the URLs of scripts, stylesheets, images and fonts a page loads."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in ("script", "img", "iframe") and attributes.get("src"):
            self.urls.append(attributes["src"])
        if tag == "link" and attributes.get("href") and attributes.get("rel") != "canonical":
            self.urls.append(attributes["href"])


def test_no_page_loads_anything_from_the_network(html: Path) -> None:
    offenders = []
    for page in html.rglob("*.html"):
        parser = _Resources()
        parser.feed(page.read_text(encoding="utf-8"))
        offenders += [f"{page.relative_to(html)}: {u}" for u in parser.urls if re.match(r"(https?:)?//", u)]
    assert offenders == []


def test_doctests_in_the_user_guide_pass(tmp_path: Path) -> None:
    pytest.importorskip("sphinx")
    proc = _sphinx("doctest", tmp_path, "-D", "plot_gallery=0")
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-3000:]


class _Text(HTMLParser):
    """The text of a rendered DOM outside code, scripts and MathJax's own output."""

    SKIP = {"script", "style", "pre", "code", "mjx-container", "mjx-assistive-mml", "textarea"}

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []
        self.mathjax = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "mjx-container":
            self.mathjax += 1
        if tag in self.SKIP:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth:
            self.parts.append(data)


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def server(html: Path):
    handler = functools.partial(_QuietHandler, directory=str(html))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


def test_math_renders_in_headless_chromium(html: Path, server: str, tmp_path: Path) -> None:
    browser = _chromium()
    if browser is None:
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message + "; .ci/run installs it")
        pytest.skip(message)
    page = next(p for p in TUTORIAL_PAGES if (html / p).is_file())
    source = (html / page).read_text(encoding="utf-8")
    raw_math = source.count('class="math')
    assert raw_math > 0, f"{page} has no math to render"
    proc = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--virtual-time-budget=20000",
            "--dump-dom",
            f"{server}/{page}",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    text = _Text()
    text.feed(proc.stdout)
    visible = "".join(text.parts)
    assert text.mathjax >= raw_math, f"{text.mathjax} MathJax elements for {raw_math} formulas on {page}"
    assert "$$" not in visible
    assert "\\(" not in visible and "\\[" not in visible, "unrendered TeX delimiters remain"
    assert "Math input error" not in proc.stdout

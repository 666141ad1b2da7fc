"""Headless Debian chromium for the report tests and `make screenshots`: render a page, read what it shows, check
every character of it has a glyph, take a screenshot.

Every launch gets a fresh profile (--user-data-dir) and runs with the flags a root CI container needs; nothing
reaches the network (the pages are local files with no external resource).

The glyph check runs inside the page (``inspect``): a script appended to a copy of the report draws each distinct
character of the page's text on a canvas in the page's own font stack and compares it with what the browser
draws for characters that no font has (the "tofu" box). A character drawn like the box has no glyph. With
``fonts=False`` fontconfig sees no font directory but a Latin one, which is what a machine without a Japanese
font shows: the tests use it to prove the check finds missing glyphs when they are missing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
         "--disable-dev-shm-usage", "--force-device-scale-factor=1", "--lang=ja-JP"]
TIMEOUT = 120
LATIN_ONLY = "/usr/share/fonts/truetype/dejavu"  # ships with chromium's dependencies on Debian

# Runs in the page: text, font stack, size, and the characters drawn like the missing-glyph box.
PROBE = r"""
<script>
(function () {
  const text = document.body.innerText;
  const font = getComputedStyle(document.body).fontFamily;
  const canvas = document.createElement("canvas");
  canvas.width = 48; canvas.height = 48;
  const ctx = canvas.getContext("2d", {willReadFrequently: true});
  function draw(ch) {
    ctx.clearRect(0, 0, 48, 48);
    ctx.font = "32px " + font;
    ctx.fillStyle = "#000";
    ctx.textBaseline = "top";
    ctx.fillText(ch, 4, 4);
    const data = ctx.getImageData(0, 0, 48, 48).data;
    let sig = "";
    for (let i = 3; i < data.length; i += 4) sig += data[i] > 127 ? "1" : "0";
    return sig;
  }
  // codepoints no font has: what the browser draws for them is the box
  const tofu = new Set(["\u0378", "\u0379", "\u{10FFFD}", "\uFFFE"].map(draw));
  const chars = [...new Set([...text].filter(c => c.trim() !== ""))];
  const missing = chars.filter(c => tofu.has(draw(c)));
  const out = {font: font, chars: chars.length, missing: missing, text: text,
               height: Math.ceil(document.documentElement.scrollHeight)};
  const pre = document.createElement("pre");
  pre.id = "juki-probe";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>
"""


class ChromiumMissing(RuntimeError):
    pass


def chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        raise ChromiumMissing("the report tests need the Debian package chromium (and fonts-noto-cjk): "
                              "`make test` installs them as root, or: sudo apt-get install chromium fonts-noto-cjk")
    return exe


def _run(args: list[str], fonts: bool) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="juki-chromium-") as profile:
        env = None
        if not fonts:
            conf = Path(profile) / "fonts.conf"
            conf.write_text(f"<?xml version='1.0'?><fontconfig><dir>{LATIN_ONLY}</dir>"
                            f"<cachedir>{profile}/fc-cache</cachedir></fontconfig>")
            import os  # noqa: PLC0415

            env = dict(os.environ, FONTCONFIG_FILE=str(conf))
        return subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}/data", *args], capture_output=True,
                              timeout=TIMEOUT, env=env, stdin=subprocess.DEVNULL)


@dataclass(frozen=True)
class Rendered:
    text: str  # the page's text as the browser lays it out (innerText)
    font: str  # the computed font-family of the body
    chars: int  # distinct characters checked
    missing: list[str]  # characters drawn as the missing-glyph box
    height: int  # the page's height in CSS pixels


def inspect(page: Path, fonts: bool = True, width: int = 1000) -> Rendered:
    """Load ``page`` (a copy with the probe appended) and read what the probe found."""
    with tempfile.TemporaryDirectory(prefix="juki-page-") as tmp:
        copy = Path(tmp) / "page.html"
        html = page.read_text(encoding="utf-8")
        copy.write_text(html.replace("</body>", PROBE + "</body>") if "</body>" in html else html + PROBE,
                        encoding="utf-8")
        done = _run([f"--window-size={width},800", "--virtual-time-budget=5000", "--dump-dom", copy.as_uri()], fonts)
    dom = done.stdout.decode("utf-8", "replace")
    start, end = dom.find('<pre id="juki-probe">'), dom.rfind("</pre>")
    if done.returncode != 0 or start < 0:
        raise RuntimeError(f"chromium could not render {page} ({done.returncode}): "
                           f"{done.stderr.decode('utf-8', 'replace')[-2000:]}")
    import html as html_lib  # noqa: PLC0415

    found = json.loads(html_lib.unescape(dom[start + len('<pre id="juki-probe">'):end]))
    return Rendered(found["text"], found["font"], found["chars"], found["missing"], found["height"])


def screenshot(page: Path, png: Path, width: int = 1000) -> Path:
    """A PNG of the whole page at ``width`` CSS pixels."""
    height = min(max(inspect(page, width=width).height + 16, 400), 6000)
    png.parent.mkdir(parents=True, exist_ok=True)
    done = _run([f"--window-size={width},{height}", f"--screenshot={png}", page.as_uri()], True)
    if done.returncode != 0 or not png.is_file():
        raise RuntimeError(f"chromium took no screenshot of {page}: {done.stderr.decode('utf-8', 'replace')[-2000:]}")
    return png

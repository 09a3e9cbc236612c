"""Screenshots of the documentation's main pages in headless Chromium, for reviewers.

Build the site first, then::

    python docs/screenshots.py [--site docs/_build/html] [--out docs/_build/screenshots]
                               [--width 1280] [--height 4000] [PAGE.html ...]

Each page gives two PNGs: ``NAME.png``, the first screen as a reader sees it
(``--width`` × 800 pixels), and ``NAME-long.png``, ``--height`` pixels of it
from the top. Not part of CI: it needs a Chromium, from the OS packages
(Debian/Ubuntu: ``apt-get install chromium``; Fedora: ``dnf install
chromium``; macOS: Google Chrome or ``brew install --cask chromium``), or any
Chrome or Chromium named by ``--chromium`` or the ``CHROMIUM`` environment
variable. Standard library only.
"""

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
MAIN_PAGES = [
    "index.html",
    "getting_started.html",
    "user_guide/tables.html",
    "user_guide/evaluation.html",
    "user_guide/training.html",
    "user_guide/scaling.html",
    "user_guide/persistence.html",
    "performance.html",
    "architecture.html",
    "auto_examples/index.html",
    "auto_examples/plot_8_tables.html",
    "gen_modules/skgan.GANSampler.html",
]
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome",
              "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
              "/Applications/Chromium.app/Contents/MacOS/Chromium")
FIRST_SCREEN = 800


def find_chromium(named=None):
    for candidate in ([named] if named else []) + [os.environ.get("CHROMIUM")] + list(CANDIDATES):
        if candidate and (shutil.which(candidate) or Path(candidate).is_file()):
            return shutil.which(candidate) or candidate
    return None


def screenshot(chromium, url, path, width, height):
    command = [
        chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
        "--force-device-scale-factor=1", f"--window-size={width},{height}", f"--screenshot={path}",
        "--virtual-time-budget=5000", url,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if result.returncode != 0 or not path.is_file():
        raise RuntimeError(f"{chromium} failed on {url}:\n{result.stderr[-2000:]}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", help=f"pages under the site (default: {len(MAIN_PAGES)} main pages)")
    parser.add_argument("--site", default=str(DOCS / "_build" / "html"))
    parser.add_argument("--out", default=str(DOCS / "_build" / "screenshots"))
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=4000, help="height of the long screenshot")
    parser.add_argument("--chromium", help="the Chrome or Chromium program to run")
    args = parser.parse_args(argv)
    chromium = find_chromium(args.chromium)
    if chromium is None:
        print("docs/screenshots.py: no Chromium found. Install one from the OS packages "
              "(Debian/Ubuntu: sudo apt-get install chromium; Fedora: sudo dnf install chromium; "
              "macOS: brew install --cask chromium), or name it with --chromium PATH or CHROMIUM=PATH.",
              file=sys.stderr)
        return 2
    site = Path(args.site).resolve()
    if not (site / "index.html").is_file():
        print(f"docs/screenshots.py: no built site at {site}: build it first "
              "(python -m sphinx -b html docs docs/_build/html)", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for page in args.pages or MAIN_PAGES:
        source = site / page
        if not source.is_file():
            print(f"skipped {page}: not in the site", file=sys.stderr)
            continue
        name = page.removesuffix(".html").replace("/", "_")
        url = source.as_uri()
        screenshot(chromium, url, out / f"{name}.png", args.width, FIRST_SCREEN)
        screenshot(chromium, url, out / f"{name}-long.png", args.width, args.height)
        print(f"{out / name}.png, {name}-long.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())

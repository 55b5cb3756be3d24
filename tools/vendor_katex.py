"""Copy KaTeX from node_modules into the daeyeok package (run by `make setup`).

The npm package is pinned in package.json/package-lock.json; daeyeok needs
three things from it: katex.min.js (run in-process by mini-racer to render
math at build time), katex.min.css and the woff2 fonts (copied into every
built site, so no CDN is involved).  The CSS is rewritten to reference only
woff2, which every browser daeyeok supports, halving what a site ships.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "node_modules" / "katex"
TARGET = ROOT / "src" / "daeyeok" / "_vendor" / "katex"


def main() -> int:
    dist = SOURCE / "dist"
    if not (dist / "katex.min.js").is_file():
        print(f"vendor_katex: {dist}/katex.min.js not found; run `npm ci` first", file=sys.stderr)
        return 1
    version = json.loads((SOURCE / "package.json").read_text())["version"]
    tmp = TARGET.with_name("katex.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "fonts").mkdir(parents=True)
    shutil.copyfile(dist / "katex.min.js", tmp / "katex.min.js")
    css = (dist / "katex.min.css").read_text(encoding="utf-8")
    css = re.sub(r',url\(fonts/[^)]+\.(?:woff|ttf)\) format\("(?:woff|truetype)"\)', "", css)
    (tmp / "katex.min.css").write_text(css, encoding="utf-8")
    for font in sorted((dist / "fonts").glob("*.woff2")):
        shutil.copyfile(font, tmp / "fonts" / font.name)
    (tmp / "VERSION").write_text(version + "\n", encoding="utf-8")
    shutil.copyfile(SOURCE / "LICENSE", tmp / "LICENSE")
    shutil.rmtree(TARGET, ignore_errors=True)
    tmp.rename(TARGET)
    print(f"vendor_katex: KaTeX {version} → {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Synthetic bilingual sites for benchmarks: N page pairs with unique text, math and code.

    .venv/bin/python benchmarks/synth.py --pages 10000 --out /tmp/synth10k

Every page's prose and formulas differ (a counter is woven into them), so
neither the formula cache nor any content-hash cache can deduplicate pages:
the numbers measure real work.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

KO_WORDS = [
    "가중치",
    "손실",
    "함수",
    "그라디언트",
    "학습률",
    "역전파",
    "신경망",
    "합성곱",
    "필터",
    "배치",
    "정규화",
    "분류기",
    "점수",
    "데이터",
    "모델",
    "최적화",
    "확률",
    "벡터",
    "행렬",
    "편향",
    "입력",
    "출력",
    "은닉층",
    "활성화",
    "규제",
]
EN_WORDS = [
    "weight",
    "loss",
    "function",
    "gradient",
    "learning",
    "rate",
    "backpropagation",
    "network",
    "convolution",
    "filter",
    "batch",
    "normalization",
    "classifier",
    "score",
    "data",
    "model",
    "optimization",
    "probability",
    "vector",
    "matrix",
    "bias",
    "input",
    "output",
    "hidden",
    "activation",
    "regularization",
]
PARTICLES = ["은", "는", "이", "가", "을", "를", "의", "에", "으로", "로", "와", "과"]


def ko_sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(KO_WORDS) + rng.choice(PARTICLES) for _ in range(8)]
    return " ".join(words) + f" 이것은 {n}번째 문장이다."


def en_sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(EN_WORDS) for _ in range(10)).capitalize() + f", sentence number {n}."


def page(lang: str, i: int, rng: random.Random) -> str:
    sent = ko_sentence if lang == "ko" else en_sentence
    title = f"강의 {i}" if lang == "ko" else f"Lecture {i}"
    out = [f"---\ntitle: {title}\norder: {i}\n---\n"]
    for s in range(3):
        out.append(f"## {'절' if lang == 'ko' else 'Section'} {s + 1} {{#s{s + 1}}}\n")
        out.append(
            " ".join(sent(rng, i * 100 + s * 10 + k) for k in range(4)) + f" 수식 $x_{{{i}}}^{s} + w_{{{s}}}$.\n"
            if lang == "ko"
            else " ".join(sent(rng, i * 100 + s * 10 + k) for k in range(4)) + f" Math $x_{{{i}}}^{s} + w_{{{s}}}$.\n"
        )
        out.append(f"$$\nL_{{{i}}} = \\frac{{1}}{{N}} \\sum_{{j={s}}}^{{N}} \\max(0, s_j - s_{{y_j}} + {i % 7 + 1})\n$$\n")
        out.append(f"- {sent(rng, i + s)}\n- {sent(rng, i + s + 1)}\n")
    out.append(f"```python\ndef f_{i}(x):\n    return x * {i}  # {'주석' if lang == 'ko' else 'comment'}\n```\n")
    nxt = i + 1
    out.append(f"[{'다음' if lang == 'ko' else 'next'}](p{nxt:05d}.md#s1)\n" if nxt < 10**9 else "")
    return "\n".join(out)


def write_site(root: Path, pages: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    (root / "content/ko/notes").mkdir(parents=True, exist_ok=True)
    (root / "content/en/notes").mkdir(parents=True, exist_ok=True)
    nav_pages = [f"notes/p{i:05d}" for i in range(min(pages, 20))]
    (root / "site.yml").write_text(
        "title: {ko: 합성 사이트, en: Synthetic site}\nurl: https://bench.example.org\nnav:\n  - title: {ko: 노트, en: Notes}\n    pages: ["
        + ", ".join(nav_pages)
        + "]\n",
        encoding="utf-8",
    )
    for i in range(pages):
        for lang in ("ko", "en"):
            text = page(lang, i, rng)
            if i == pages - 1:
                text = text.replace(f"(p{i + 1:05d}.md#s1)", "(p00000.md#s1)")
            (root / f"content/{lang}/notes/p{i:05d}.md").write_text(text, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=1000, help="page pairs (each has a Korean and an English file)")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    write_site(args.out, args.pages, args.seed)
    print(f"wrote {args.pages} page pairs into {args.out}")


if __name__ == "__main__":
    main()

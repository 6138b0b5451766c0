"""`make bench`: how long the content-safety scanner takes over a 20,000-character document.

The scanner is built from the full seeded lexicon (portal/data/*.tsv, as migration 0011 loads it,
plus the original sensitive_terms.tsv) and a bureau's worth of names; the document is realistic
official text (the same paragraphs of a 通知 over and over) with two misspellings, two near-miss
names, an ID number and one injected betting run in the middle. Prints
`content_safety_20k_ms <value> ms` (median of 30 scans after a warm-up) and the ratio to a
baseline pass over the same text (NFKC + casefold, the least any scanner does), which is
machine-independent. The issue's budget is well under 50 ms.
"""

import os
import statistics
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django  # noqa: E402

django.setup()

from portal.content_safety import INSTITUTION_NAME, LEADER_NAME, Scanner, Term  # noqa: E402

DATA = ROOT / "portal" / "data"
REPEAT = 30

PARAGRAPH = (
    "为深入贯彻落实党中央、国务院关于耕地保护的决策部署，严格执行《中华人民共和国土地管理法》"
    "和《土地管理法实施条例》，江川市国土资源局结合本市实际，制定本年度耕地保护工作方案。"
    "各科室要高度重视，认真安排部署，确保截至年底全面完成永久基本农田核实整改任务，"
    "对违法占用耕地的行为依法予以查处，做到发现一起、查处一起。不动产登记中心要优化办事流程，"
    "推行“一窗受理、并行办理”，压缩办理时限至5个工作日以内，咨询电话0871-12345678。\n"
)
INJECTION = "澳門新葡京娛樂場官網 ｂｅｔ３６５．ｖｉｐ 首存送38元彩金，加微信 abc12345 领取\n"
PERSONAL = "公示名单：张某某，身份证号码110101199003074514。\n"
NEAR_MISS = "经江川市国土资局研究决定，报市人民攻府批准。\n"
MISSPELT = "各科室要认真按排部署，一如即往地做好政务公开工作。\n"


def lexicon():
    """Return every seeded entry as the scanner's Terms."""
    terms = []

    def rows(name):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                yield line.split("\t")

    for category, severity, term, suggestion, note in rows("sensitive_terms.tsv"):
        kind = "pattern" if term.startswith("re:") else "word"
        if term.startswith("re:(?<!"):
            continue  # switched off by migration 0012 (the domain rule replaces them)
        terms.append(Term(term.removeprefix("re:"), category, severity, suggestion, note, kind))
    for category, severity, kind, term, suggestion, note in rows("spam_terms.tsv"):
        terms.append(Term(term, category, severity, suggestion, note, kind))
    for wrong, correct, note in rows("misspellings.tsv"):
        terms.append(Term(wrong, "misspelling", "warn", correct, note))
    for name, note in rows("institution_names.tsv"):
        terms.append(Term(name, INSTITUTION_NAME, "warn", "", note, "name"))
    for severity, pattern, note in rows("personal_data.tsv"):
        terms.append(Term(pattern, "personal_data", severity, "", note, "pattern"))
    return terms


def document(size=20_000):
    body = PARAGRAPH * (size // len(PARAGRAPH))
    middle = len(body) // 2
    text = body[:middle] + INJECTION + PERSONAL + NEAR_MISS + MISSPELT + body[middle:]
    return text[:size]


def median_ms(function, text):
    function(text)
    timings = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        function(text)
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def main():
    terms = lexicon()
    names = [
        ("江川市国土资源局", (INSTITUTION_NAME, "江川市国土资源局")),
        ("江川市不动产登记中心", (INSTITUTION_NAME, "江川市不动产登记中心")),
        ("局长张建华", (LEADER_NAME, "局长张建华")),
        *[
            (f"{d}科", (INSTITUTION_NAME, f"{d}科"))
            for d in ["耕地保护监督", "地籍管理", "执法监察"]
        ],
    ]
    started = time.perf_counter()
    scanner = Scanner(terms, names)
    build_ms = (time.perf_counter() - started) * 1000
    text = document()
    findings = scanner.scan(text)
    scan = median_ms(scanner.scan, text)
    baseline = median_ms(lambda t: unicodedata.normalize("NFKC", t).casefold(), text)
    print(f"content_safety_terms {len(terms)} entries")
    print(f"content_safety_build_ms {build_ms:.1f} ms")
    print(f"content_safety_20k_ms {scan:.2f} ms ({len(text)} characters, {len(findings)} findings)")
    print(
        f"content_safety_20k_ratio {scan / baseline:.1f} x "
        f"(NFKC+casefold baseline {baseline:.2f} ms)"
    )


if __name__ == "__main__":
    main()

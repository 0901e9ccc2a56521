#!/usr/bin/env python3
"""Turns the hand-written held-out sets in this folder into the corpus format dev.veil.bench.Accuracy reads.

    python3 veil-bench/accuracy/heldout/build_heldout.py OUT.jsonl [dev|test|all]

Each set line is {"kind", "text", "pii": [[TYPE, substring], ...]}: every occurrence of a listed substring is a
span of that type. The output line carries UTF-16 offsets (Java String indices), as the generated corpus does.
Lines are split by their place in the file: even places are the dev half (read for error analysis), odd places
the test half (scored only, never read line by line). The script refuses a set whose labels do not occur in
their text or overlap one another, so a typo cannot silently shrink the labeled total.
"""
import json
import pathlib
import sys

TYPES = {"EMAIL", "PHONE", "CREDIT_CARD", "US_SSN", "IBAN", "IP_ADDRESS", "MAC_ADDRESS", "PERSON_NAME",
         "STREET_ADDRESS", "DATE_OF_BIRTH", "SECRET", "URL_CREDENTIALS"}


def utf16_index(text, i):
    """The UTF-16 code unit index of code point index i."""
    return len(text[:i].encode("utf-16-le")) // 2


def spans_of(text, pii, where):
    spans = []
    for typ, value in pii:
        if typ not in TYPES:
            raise SystemExit(f"{where}: unknown type {typ!r}")
        if not value:
            raise SystemExit(f"{where}: empty {typ} value")
        start = text.find(value)
        if start < 0:
            raise SystemExit(f"{where}: {typ} value not in text")
        while start >= 0:
            spans.append((start, start + len(value), typ))
            start = text.find(value, start + len(value))
    spans.sort()
    for a, b in zip(spans, spans[1:]):
        if b[0] < a[1]:
            raise SystemExit(f"{where}: labels overlap ({a[2]} and {b[2]})")
    return [{"type": t, "start": utf16_index(text, s), "end": utf16_index(text, e)} for s, e, t in spans]


def main():
    if len(sys.argv) < 2:
        raise SystemExit("usage: build_heldout.py OUT.jsonl [dev|test|all]")
    half = sys.argv[2] if len(sys.argv) > 2 else "all"
    if half not in ("dev", "test", "all"):
        raise SystemExit("the half is dev, test or all")
    here = pathlib.Path(__file__).resolve().parent
    out = []
    counts = {}
    for f in sorted(here.glob("*.jsonl")):
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines()):
            if not line.strip():
                continue
            where = f"{f.name}:{n + 1}"
            rec = json.loads(line)
            if half == "dev" and n % 2 == 1 or half == "test" and n % 2 == 0:
                continue
            spans = spans_of(rec["text"], rec["pii"], where)
            for s in spans:
                counts[s["type"]] = counts.get(s["type"], 0) + 1
            out.append({"id": len(out) + 1, "kind": f.stem + "/" + rec["kind"], "text": rec["text"], "spans": spans})
    with open(sys.argv[1], "w", encoding="utf-8") as w:
        for r in out:
            w.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{len(out)} lines ({half}), {sum(counts.values())} spans: "
          + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main()

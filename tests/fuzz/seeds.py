#!/usr/bin/env python3
"""Candidate seed inputs for the JSON fuzz targets, from the recorded venue
data in ../shared/data and the unit tests' fixtures.

    tests/fuzz/seeds.py OUT_DIR

writes OUT_DIR/<target>/<name> for deribit, binance, exec_reports and
venue_rpc. tools/fuzz --seed merges them (libFuzzer -merge=1) into the
committed corpora, which keeps only the inputs that add coverage — the
candidates themselves are never committed. Standard library only.
"""
import gzip
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"


def raw_strings(path):
    """JSON documents written as raw string literals in a C++ test: one
    literal, or adjacent literals the compiler concatenates."""
    text = path.read_text()
    out = []
    # Runs of R"(...)" separated only by whitespace are one literal.
    for run in re.finditer(r'(?:R"\((.*?)\)"\s*)+', text, re.S):
        parts = re.findall(r'R"\((.*?)\)"', run.group(0), re.S)
        doc = "".join(parts)
        for candidate in (doc, *parts):
            candidate = candidate.strip()
            if not candidate.startswith(("{", "[")):
                continue
            try:
                json.loads(candidate)
            except ValueError:
                continue
            out.append(candidate)
    return list(dict.fromkeys(out))


def one_line(doc):
    return json.dumps(json.loads(doc), separators=(",", ":"))


def write(out, target, name, lines):
    d = out / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_text("\n".join(lines) + "\n")


def deribit(out):
    lines = (DATA / "deribit" / "samples.jsonl").read_text().splitlines()
    for i, line in enumerate(lines):
        write(out, "deribit", f"sample_{i:02d}", [line])
    # Every book message of one instrument in order: snapshot then changes.
    by_instrument = {}
    for line in lines:
        m = json.loads(line)
        channel = m.get("params", {}).get("channel", "")
        if channel.startswith("book."):
            by_instrument.setdefault(channel.split(".")[1], []).append(line)
    for name, seq in by_instrument.items():
        write(out, "deribit", f"book_{name}", seq)
    write(out, "deribit", "all_samples", lines)
    fixtures = raw_strings(ROOT / "tests" / "adapters" / "deribit" / "feed_parser_test.cpp")
    for i, doc in enumerate(fixtures):
        write(out, "deribit", f"fixture_{i:02d}", [one_line(doc)])


def binance(out):
    frames = []
    with gzip.open(DATA / "binance" / "btcusdt_20240808.gz", "rt") as f:
        for line in f:
            frames.append(line.split(" ", 1)[1].rstrip("\n"))
    snapshot_at = next(i for i, f in enumerate(frames) if f.startswith('{"lastUpdateId"'))
    snapshot = json.loads(frames[snapshot_at])

    def small_snapshot(last_update_id, levels=20):
        s = dict(snapshot)
        s["lastUpdateId"] = last_update_id
        s["bids"] = snapshot["bids"][:levels]
        s["asks"] = snapshot["asks"][:levels]
        return json.dumps(s, separators=(",", ":"))

    def short_depth(frame, levels=12):
        # Keep the ids, cut the level lists: small files, same chaining.
        m = json.loads(frame)
        d = m.get("data", m)
        d["b"] = d.get("b", [])[:levels]
        d["a"] = d.get("a", [])[:levels]
        return json.dumps(m, separators=(",", ":"))

    depth = [i for i, f in enumerate(frames) if '"depthUpdate"' in f]
    # The recorded start: updates buffered before the REST snapshot, the
    # snapshot, then the live chain.
    head = [short_depth(f) if '"depthUpdate"' in f else f for f in frames[:snapshot_at]]
    tail = [short_depth(f) if '"depthUpdate"' in f else f for f in frames[snapshot_at + 1:snapshot_at + 60]]
    write(out, "binance", "recorded_start", head[-30:] + [small_snapshot(snapshot["lastUpdateId"])] + tail)
    # Later windows: a snapshot whose lastUpdateId falls inside a recorded
    # update's [U, u], then the updates that chain on from it.
    for k, at in enumerate(depth[100::600]):
        d = json.loads(frames[at])["data"]
        window = [short_depth(f) if '"depthUpdate"' in f else f for f in frames[at:at + 40]]
        write(out, "binance", f"window_{k:02d}", [short_depth(frames[at - 1]), small_snapshot((d["U"] + d["u"]) // 2)] + window)
    # One frame of each kind, raw and wrapped.
    seen = set()
    for f in frames:
        kind = re.search(r'"e":"(\w+)"', f)
        key = kind.group(1) if kind else "snapshot"
        if key in seen:
            continue
        seen.add(key)
        one = short_depth(f) if key == "depthUpdate" else (small_snapshot(snapshot["lastUpdateId"]) if key == "snapshot" else f)
        write(out, "binance", f"frame_{key}", [one])
        m = json.loads(one)
        if "data" in m:
            write(out, "binance", f"frame_{key}_raw", [json.dumps(m["data"], separators=(",", ":"))])
    for i, doc in enumerate(raw_strings(ROOT / "tests" / "adapters" / "binance" / "feed_parser_test.cpp")):
        write(out, "binance", f"fixture_{i:02d}", [one_line(doc)])


def exec_reports(out):
    docs = raw_strings(ROOT / "tests" / "adapters" / "deribit" / "exec_parser_test.cpp")
    for i, doc in enumerate(docs):
        write(out, "exec_reports", f"fixture_{i:02d}", [one_line(doc)])
    # All of them after placed orders, so reports meet tracked ids.
    write(out, "exec_reports", "fixtures_after_send", ["SEND 1 1", "SEND 1 2", "SEND 3 17"] + [one_line(d) for d in docs])
    # The recorded market frames too: a trading connection sees them.
    for i, line in enumerate((DATA / "deribit" / "samples.jsonl").read_text().splitlines()[19:]):
        write(out, "exec_reports", f"result_{i:02d}", [line])


def venue_rpc(out):
    docs = []
    for name in ("venue_methods_test.cpp", "venue_test.cpp"):
        docs += raw_strings(ROOT / "tests" / "tools" / name)
    requests = [one_line(d) for d in docs if '"method"' in d]
    for i, doc in enumerate(requests):
        write(out, "venue_rpc", f"fixture_{i:02d}", [doc])
    if requests:
        write(out, "venue_rpc", "fixtures_session", requests)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = pathlib.Path(sys.argv[1])
    for make in (deribit, binance, exec_reports, venue_rpc):
        make(out)
    for d in sorted(out.iterdir()):
        files = list(d.iterdir())
        print(f"{d.name}: {len(files)} candidates, {sum(f.stat().st_size for f in files)} bytes")


if __name__ == "__main__":
    main()

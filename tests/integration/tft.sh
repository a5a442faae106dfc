#!/bin/bash
# Tabular firing tables, round trip: `fagpt fire table --csv` for two charges, laid out as TFT Table F pages
# (groff/tbl to PDF, headings over right-aligned columns, no rules, 40 rows a page), ingested; `fagpt tft list`
# finds both tables with weapon, projectile and charge, and `fagpt tft lookup` gives back every number of every
# row, interpolates linearly between bracketing rows, and refuses a range outside the table. Prints TAP lines.
. "$(dirname "$0")/common.bash"

for ch in 3G 4G; do
    "$BIN" fire table --weapon M777A2 --projectile M107 --charge $ch --csv > "$T/$ch.csv" || { echo "not ok - fire table $ch"; exit 1; }
done
# The TFT layout: title lines (FT number, cannon, projectile, charge), two heading lines, the rows.
python3 - "$T" > "$T/tft.tr" <<'PY'
import csv, sys
T = sys.argv[1]
cols = [("range_m", "RANGE", "M"), ("qe_mils", "ELEV", "MILS"), ("fuze_s", "FS", "FUZE"), ("tof_s", "TIME OF", "FLIGHT"),
        ("drift_mils", "DRIFT", "MILS"), ("max_ord_m", "MAX ORD", "M"), ("dr_mv_1mps", "MV", "1 M/S"),
        ("dr_density_1pct", "DENSITY", "1 PCT"), ("dr_temp_1pct", "TEMP", "1 PCT"), ("dr_head_1kn", "HEAD WIND", "1 KNOT"),
        ("dr_tail_1kn", "TAIL WIND", "1 KNOT"), ("dd_cross_1kn_mils", "CROSS WIND", "1 KNOT")]
out = [".pl 11i", ".po 0.6i", ".ll 7.3i", ".ps 8", ".vs 10"]
first = True
for ch in ("3G", "4G"):
    rows = list(csv.reader(l for l in open("%s/%s.csv" % (T, ch)) if not l.startswith("#")))
    head, body = rows[0], rows[1:]
    idx = [head.index(c[0]) for c in cols]
    for start in range(0, len(body), 40):
        out += ([] if first else [".bp"]) + [".sp 0.6i", ".ce 2", "FT 155-AM-X   TABLE F   CANNON, 155MM HOWITZER, M777A2",
                "PROJ, HE, M107   CHARGE %s" % ch, ".sp 1", ".TS", "center;", " ".join("r" for _ in cols) + ".",
                "\t".join(c[1] for c in cols), "\t".join(c[2] for c in cols)]
        out += ["\t".join(r[i] for i in idx) for r in body[start:start + 40]] + [".TE"]
        first = False
print("\n".join(out))
PY
groff -t -Tpdf "$T/tft.tr" > "$T/tft.pdf" 2> "$T/groff.err"
check "groff/tbl made a TFT-format PDF" "[ -s '$T/tft.pdf' ] && head -c 5 '$T/tft.pdf' | grep -q '%PDF-'"
"$BIN" --home "$T/h" ingest "$T/tft.pdf" > /dev/null
"$BIN" --home "$T/h" --json tft list --doc tft.pdf > "$T/list.json"; rc=$?
rows3=$(grep -vc '^#\|^range_m' "$T/3G.csv"); rows4=$(grep -vc '^#\|^range_m' "$T/4G.csv")
check "tft list: two firing tables, M777A2 M107 charges 3G and 4G, every row" "[ $rc -eq 0 ] && jq_py 't=d[\"firing_tables\"]; sys.exit(0 if [(x[\"weapon\"], x[\"projectile\"], x[\"charge\"], x[\"rows\"]) for x in t]==[(\"M777A2\",\"M107\",\"3G\",$rows3),(\"M777A2\",\"M107\",\"4G\",$rows4)] else 1)' < '$T/list.json'"
# Every number of every row back from a lookup at its range.
python3 - "$BIN" "$T" > "$T/rt.txt" <<'PY'
import csv, json, subprocess, sys
BIN, T = sys.argv[1], sys.argv[2]
keys = {"range_m": "range_m", "qe_mils": "elevation_mils", "fuze_s": "fuze_setting", "tof_s": "tof_s",
        "drift_mils": "drift_mils", "max_ord_m": "max_ord_m", "dr_mv_1mps": "mv_1_m_s", "dr_density_1pct": "density_1_pct",
        "dr_temp_1pct": "temp_1_pct", "dr_head_1kn": "head_wind_1_knot", "dr_tail_1kn": "tail_wind_1_knot",
        "dd_cross_1kn_mils": "cross_wind_1_knot"}
checked = bad = 0
for ch in ("3G", "4G"):
    rows = list(csv.DictReader(l for l in open("%s/%s.csv" % (T, ch)) if not l.startswith("#")))
    for r in rows:
        out = subprocess.run([BIN, "--home", T + "/h", "--json", "tft", "lookup", "--doc", "tft.pdf", "--charge", ch,
                              "--range", r["range_m"]], capture_output=True, text=True)
        got = json.loads(out.stdout)["values"] if out.returncode == 0 else {}
        for ck, tk in keys.items():
            checked += 1
            if got.get(tk) is None or float(got[tk]) != float(r[ck]):
                bad += 1
                if bad < 5:
                    print("mismatch", ch, r["range_m"], ck, r[ck], got.get(tk))
print("checked", checked, "bad", bad)
PY
check "round trip: every number of every row of both charges reproduced" "grep -q '^checked [1-9][0-9]* bad 0$' '$T/rt.txt'"
"$BIN" --home "$T/h" --json tft lookup --doc tft.pdf --charge 4G --range 4550 > "$T/i.json"; rc=$?
check "between two rows each value is interpolated linearly (4550 m: the mean of 4500 and 4600 m)" "[ $rc -eq 0 ] && python3 -c \"
import csv, json, sys
rows = {r['range_m']: r for r in csv.DictReader(l for l in open('$T/4G.csv') if not l.startswith('#'))}
d = json.load(open('$T/i.json'))
a, b = rows['4500'], rows['4600']
want = {'elevation_mils': 'qe_mils', 'tof_s': 'tof_s', 'fuze_setting': 'fuze_s', 'max_ord_m': 'max_ord_m'}
ok = d['interpolated'] and d['bracket'] == [4500, 4600] and all(abs(d['values'][k] - (float(a[c]) + float(b[c])) / 2) < 1e-9 for k, c in want.items())
sys.exit(0 if ok else 1)\""
"$BIN" --home "$T/h" tft lookup --doc tft.pdf --charge 4G --range 99999 2> "$T/err"; rc=$?
check "a range beyond the table is refused with the table's span" "[ $rc -eq 1 ] && grep -q 'outside the firing table (100 to' '$T/err'"
"$BIN" --home "$T/h" tft lookup --doc tft.pdf --charge 7W --range 4000 2> "$T/err"; rc=$?
check "a charge the document does not hold: exit 1, names the list command" "[ $rc -eq 1 ] && grep -q 'no firing table for charge 7W' '$T/err'"
"$BIN" tft --help > "$T/help"; rc=$?
check "tft --help" "[ $rc -eq 0 ] && grep -q 'usage: fagpt tft list' '$T/help'"
exit 0

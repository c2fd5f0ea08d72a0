#!/usr/bin/env bash
# Short summary of a Sluice-vs-Kafka run against the targets, from the RESULT / SUMMARY lines
# written by compare-with-kafka.sh (perf.sh + start-up/idle lines).
#   Usage: bench/summarize.sh KAFKA_FILE SLUICE_FILE
# Prints, with ratio = Sluice / Kafka of the medians over repeats:
#   produce throughput (records/s) per scenario and the median over scenarios   target >= 1.00x
#   end-to-end p99 (e2e_p1_s100_acks1)                                          target <= 1.00x
#   idle RSS (after IDLE_SETTLE_S)                                              target <= 0.33x
#   start to ready                                                              target <= 0.33x
# plus consumer ratios and consumer join -> first record (no target) and every scenario that failed or was incomplete, per broker.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: summarize.sh KAFKA_FILE SLUICE_FILE" >&2; exit 2; }

awk '
function kv(line,   n, i, parts, p) {
  delete F
  n = split(line, parts, " ")
  for (i = 1; i <= n; i++) { p = index(parts[i], "="); if (p) F[substr(parts[i], 1, p-1)] = substr(parts[i], p+1) }
}
function v(k) { return (k in F) ? F[k] : "" }
function med(s,   n, a, i, j, t) {
  n = split(s, a, " "); if (n == 0) return ""
  for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j+1] = a[j]; a[j+1] = t }
  return (n % 2) ? a[(n+1)/2] + 0 : (a[n/2] + a[n/2+1]) / 2
}
function ratio(o, b) { return (o == "" || b == "" || b + 0 == 0) ? "" : (o + 0) / (b + 0) }
function fx(r) { return r == "" ? "NA" : sprintf("%.2fx", r) }
function verdict(r, op, t) {
  if (r == "") return "[target " op " " sprintf("%.2f", t) "x: NO DATA]"
  return "[target " op " " sprintf("%.2f", t) "x: " (((op == ">=") ? (r + 0 >= t) : (r + 0 <= t)) ? "MET" : "NOT MET") "]"
}
function num(x) { return x == "" ? "NA" : sprintf("%.0f/s", x) }
FNR == 1 { f++ }
/^SUMMARY / { kv($0); lab[f] = v("label"); su[f] = v("startup_ms_median"); si[f] = v("idle_rss_mb_median"); sall[f] = v("startup_ms_all"); next }
/^JOIN / { kv($0); join[f, v("protocol")] = v("ms_median"); joinall[f, v("protocol")] = v("ms_all"); next }
/^RESULT / {
  kv($0); sc = v("scenario"); if (lab[f] == "") lab[f] = v("label")
  if (sc == "broker_rss" || sc == "aux_rss" || sc ~ /^warmup_/) next
  if (!((f, sc) in seen)) { seen[f, sc] = 1; if (!(sc in any)) { any[sc] = 1; order[++nsc] = sc } }
  if (v("status") == "FAILED") { bad[f] = bad[f] "  " sc " rep=" v("rep") ": FAILED (raw " v("raw") ")\n"; next }
  if (v("complete") == "false") bad[f] = bad[f] "  " sc " rep=" v("rep") ": incomplete (" v("records") " records)\n"
  if (v("errors") != "" && v("errors") + 0 > 0) bad[f] = bad[f] "  " sc " rep=" v("rep") ": " v("errors") " exception lines on stderr\n"
  rps[f, sc] = rps[f, sc] " " v("records_per_s")
  if (v("p99_ms") != "NA") p99[f, sc] = p99[f, sc] " " v("p99_ms")
  if (v("p50_ms") != "NA") p50[f, sc] = p50[f, sc] " " v("p50_ms")
}
END {
  K = lab[1]; S = lab[2]
  printf "=== Summary: %s / %s (ratios of medians, same session; throughput >1 = faster, latency/RSS/start-up <1 = better) ===\n", S, K
  print "Produce throughput (records/s):"
  n = 0
  for (i = 1; i <= nsc; i++) {
    sc = order[i]; if (sc !~ /^produce_/) continue
    k = med(rps[1, sc]); s = med(rps[2, sc]); r = ratio(s, k)
    printf "  %-28s kafka %12s   sluice %12s   %s\n", sc, num(k), (s == "" ? "FAILED" : num(s)), (s == "" ? "FAILED" : fx(r))
    if (r != "") pr[++n] = r; else if (k != "") pr[++n] = 0
  }
  ms = ""; for (i = 1; i <= n; i++) ms = ms " " pr[i]
  mr = (n ? med(ms) : "")
  printf "  median over %d produce scenarios: %s   %s\n", n, fx(mr), verdict(mr, ">=", 1.0)
  sc = "e2e_p1_s100_acks1"
  k = med(p99[1, sc]); s = med(p99[2, sc]); r = ratio(s, k)
  printf "End-to-end p99 (%s): kafka %s ms   sluice %s ms   %s   %s\n", sc, (k == "" ? "NA" : k), (s == "" ? "FAILED" : s), fx(r), verdict(r, "<=", 1.0)
  k2 = med(p50[1, sc]); s2 = med(p50[2, sc])
  printf "  (p50: kafka %s ms, sluice %s ms, %s)\n", (k2 == "" ? "NA" : k2), (s2 == "" ? "NA" : s2), fx(ratio(s2, k2))
  r = ratio(si[2], si[1])
  printf "Idle RSS: kafka %s MB   sluice %s MB   %s   %s\n", si[1], si[2], fx(r), verdict(r, "<=", 0.33)
  r = ratio(su[2], su[1])
  printf "Start to ready: kafka %s ms (runs %s)   sluice %s ms (runs %s)   %s   %s\n", su[1], sall[1], su[2], sall[2], fx(r), verdict(r, "<=", 0.33)
  print "Consume (fetch-phase records/s; no target):"
  for (i = 1; i <= nsc; i++) {
    sc = order[i]; if (sc !~ /^consume_/) continue
    k = med(rps[1, sc]); s = med(rps[2, sc])
    printf "  %-28s kafka %12s   sluice %12s   %s\n", sc, num(k), (s == "" ? "FAILED" : num(s)), (s == "" ? "FAILED" : fx(ratio(s, k)))
  }
  print "Consumer join -> first record (median ms over fresh groups; no target):"
  split("classic consumer", protocols, " ")
  for (i = 1; i <= 2; i++) {
    p = protocols[i]; k = join[1, p]; s = join[2, p]
    printf "  %-28s kafka %8s ms (%s)   sluice %8s ms (%s)   %s\n", (p == "consumer" ? "KIP-848" : p), (k == "" ? "NA" : k), joinall[1, p], (s == "" ? "NA" : s), joinall[2, p], fx(ratio(s, k))
  }
  for (i = 1; i <= 2; i++) {
    if (bad[i] != "") printf "Failed / incomplete scenarios, %s:\n%s", lab[i], bad[i]
    else printf "Failed / incomplete scenarios, %s: none\n", lab[i]
  }
  for (i = 1; i <= nsc; i++) if (!((2, order[i]) in seen)) printf "  missing for %s (perf.sh stopped early?): %s\n", S, order[i]
}' "$1" "$2"

#!/usr/bin/env bash
# Summary of a bench/startup.sh results file: per config the median start to ready (and its parts)
# and idle RSS over the repeats, the ratio to Kafka's medians, and the goals
# (start <= 0.15x Kafka, idle RSS <= 0.25x) marked MET / NOT MET.
#   Usage: bench/startup-summary.sh RESULTS_FILE
set -euo pipefail
f=${1:?usage: startup-summary.sh RESULTS_FILE}
awk '
function median(list,   n, a, i, j, t) {
  n = split(list, a, " ")
  for (i = 2; i <= n; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
  if (n == 0) return "NA"
  return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function val(key,   i, kv) { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == key) return kv[2] } return "" }
/^RUN / {
  c = val("config")
  if (!(c in n)) order[++nc] = c
  n[c]++
  for (k = 1; k <= 5; k++) { key = keys[k]; v = val(key); if (v != "NA" && v != "") vals[c, key] = vals[c, key] " " v }
}
/^# loadavg_end|^# startup.sh/ { print }
BEGIN { keys[1] = "startup_ms"; keys[2] = "health_ms"; keys[3] = "produce_ms"; keys[4] = "metadata_ready_ms"; keys[5] = "idle_rss_mb" }
END {
  printf "\n| config | n | start to ready ms (median) | all | /q/health/ready UP ms | first produce acked ms | Metadata lists broker ms | idle RSS MB (median) | all | start vs Kafka | RSS vs Kafka |\n"
  printf "|---|---:|---:|---|---:|---:|---:|---:|---|---:|---:|\n"
  ks = median(vals["kafka", "startup_ms"]); kr = median(vals["kafka", "idle_rss_mb"])
  for (i = 1; i <= nc; i++) {
    c = order[i]
    s = median(vals[c, "startup_ms"]); r = median(vals[c, "idle_rss_mb"])
    sr = (ks != "NA" && ks > 0 && s != "NA") ? sprintf("%.3f", s / ks) : "NA"
    rr = (kr != "NA" && kr > 0 && r != "NA") ? sprintf("%.3f", r / kr) : "NA"
    h = median(vals[c, "health_ms"])
    ratio_s[c] = sr; ratio_r[c] = rr
    printf "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", c, n[c], s, substr(vals[c, "startup_ms"], 2), h, median(vals[c, "produce_ms"]), median(vals[c, "metadata_ready_ms"]), r, substr(vals[c, "idle_rss_mb"], 2), sr, rr
  }
  printf "\nGoals (issue 7): start to ready <= 0.15x Kafka, idle RSS <= 0.25x Kafka (ratios of medians)\n"
  for (i = 1; i <= nc; i++) {
    c = order[i]; if (c == "kafka") continue
    printf "  %-10s start %s x -> %s   idle RSS %s x -> %s\n", c, ratio_s[c], (ratio_s[c] != "NA" && ratio_s[c] + 0 <= 0.15) ? "MET" : "NOT MET", ratio_r[c], (ratio_r[c] != "NA" && ratio_r[c] + 0 <= 0.25) ? "MET" : "NOT MET"
  }
}' "$f"

#!/bin/sh
# t/72-fault-injection.t in N shards side by side (NEWS_FAULTS_SHARD=K/N),
# each with its own nginx and store: most of a case's time is spent
# waiting on nginx and newsctl, so shards overlap well even on 2 cores.
# The environment (the build, the fault library, NEWS_FAULTS_FULL,
# GCOV_PREFIX) is passed through.  Each shard's output goes to
# LOGDIR/shard-K.log; what is not an "ok" line is printed afterwards.
# Exit status: 0 when every shard passed.
#
#   t/faults/shards.sh N LOGDIR
set -u
n=$1
logs=$2
mkdir -p "$logs"
start=$(date +%s)
pids=
for k in $(seq "$n"); do
    NEWS_FAULTS_SHARD=$k/$n prove -v t/72-fault-injection.t \
        > "$logs/shard-$k.log" 2>&1 &
    pids="$pids $!"
done
rc=0
for p in $pids; do
    wait "$p" || rc=1
done
for k in $(seq "$n"); do
    echo "--- t/72-fault-injection.t, shard $k of $n"
    grep -v '^ok ' "$logs/shard-$k.log"
done
echo "t/72-fault-injection.t: $n shards, $(( $(date +%s) - start )) s"
exit $rc

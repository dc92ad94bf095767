#!/bin/sh
# psql-worker.sh: an Xferity job-queue worker written with nothing but sh and psql.
# Usage: psql-worker.sh CONNINFO [QUEUE]
#   JOB_HANDLER    command run as `$JOB_HANDLER KIND PAYLOAD_JSON`; exit 0 = done (default: echo)
#   POLL_INTERVAL  seconds to sleep after an empty poll (default 5, Xferity's poll_interval)
#   EXIT_WHEN_IDLE=1  stop at the first empty poll instead of sleeping
set -u
conninfo=$1
queue=${2:-default}
worker="sh:$(uname -n):$$"
tab=$(printf '\t')

sql() {  # run the SQL on stdin; print bare rows, fields separated by a tab
    psql "$conninfo" -X -q -A -t -F "$tab" -v ON_ERROR_STOP=1 \
        -v worker="$worker" -v queue="$queue" "$@"
}

sql -v host="$(uname -n)" >/dev/null <<'SQL' || exit 1
SELECT xferity.register_worker(:'worker', :'host', '{"language": "sh"}');
SQL

while :; do
    if ! job=$(sql <<'SQL'
SELECT xferity.worker_heartbeat(:'worker'), xferity.reap_expired_jobs() \g /dev/null
SELECT id, kind, payload FROM xferity.claim_job(:'worker', ARRAY[:'queue']);
SQL
    ); then
        sleep "${POLL_INTERVAL:-5}"; continue      # database unreachable: retry
    fi
    if [ -z "$job" ]; then
        [ "${EXIT_WHEN_IDLE:-0}" = 1 ] && exit 0
        sleep "${POLL_INTERVAL:-5}"; continue      # nothing due: poll again later
    fi
    id=${job%%"$tab"*}; rest=${job#*"$tab"}
    kind=${rest%%"$tab"*}; payload=${rest#*"$tab"}

    # Keep the 300 s lease alive while the handler runs: a heartbeat every 60 s.
    ( trap 'kill $nap 2>/dev/null; exit 0' TERM
      while sleep 60 & nap=$!; wait $nap; do
          echo "SELECT xferity.heartbeat_job(:'id', :'worker')" | sql -v id="$id"
      done ) >/dev/null 2>&1 &
    heartbeat=$!
    if output=$(${JOB_HANDLER:-echo} "$kind" "$payload" 2>&1); then
        state=$(sql -v id="$id" -v output="$output" <<'SQL'
SELECT CASE WHEN xferity.complete_job(:'id', :'worker', jsonb_build_object('output', :'output'))
    THEN 'completed' ELSE 'lease_lost' END;
SQL
        )
    else
        state=$(echo "SELECT xferity.fail_job(:'id', :'worker', :'error')" |
            sql -v id="$id" -v error="$output")
    fi
    kill "$heartbeat" 2>/dev/null
    echo "job $id ($kind): $state"
done

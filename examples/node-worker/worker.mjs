#!/usr/bin/env node
// An Xferity job-queue worker in Node.js: the protocol of docs/worker-protocol.md with the `pg`
// driver and no client library. Every call runs in autocommit (node-postgres sends each query
// on its own, as an unnamed statement), so it also works through PgBouncer in transaction mode.
//
// Usage: node worker.mjs CONNINFO
//   QUEUES          comma-separated queues to claim from (default: all)
//   BATCH           max_jobs per claim (default 1)
//   LEASE_SECONDS   lease per claim (default 300)
//   POLL_INTERVAL   seconds to sleep after an empty poll (default 5)
//   EXIT_WHEN_IDLE=1  stop at the first empty poll instead of sleeping
//   WORKER_ID       worker id (default node:<host>:<pid>:<random>)
import os from "node:os";
import crypto from "node:crypto";
import pg from "pg";

const conninfo = process.argv[2] || process.env.XFERITY_DATABASE_URL;
if (!conninfo) {
  console.error("error: give a connection string as the first argument or XFERITY_DATABASE_URL");
  process.exit(2);
}
const queues = process.env.QUEUES ? process.env.QUEUES.split(",") : null;
const batch = Number(process.env.BATCH || 1);
const leaseSeconds = Number(process.env.LEASE_SECONDS || 300);
const pollSeconds = Number(process.env.POLL_INTERVAL || 5);
const exitWhenIdle = process.env.EXIT_WHEN_IDLE === "1";
const workerId =
  process.env.WORKER_ID ||
  `node:${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString("hex")}`;

// What a job of each kind does. A handler returns the job's result, or throws to fail it; an
// error with `permanent = true` fails it without a retry.
// The default handler stands in for real work: it waits `payload.sleep_ms` milliseconds.
const handlers = {
  async default(job) {
    const ms = Number((job.payload && job.payload.sleep_ms) || 0);
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
    return { handled_by: "node", worker: workerId, kind: job.kind };
  },
};

const client = new pg.Client({ connectionString: conninfo, application_name: "xferity-node-worker" });
let stopping = false;
process.on("SIGTERM", () => (stopping = true));
process.on("SIGINT", () => (stopping = true));

async function scalar(text, values) {
  const { rows } = await client.query({ text, values, rowMode: "array" });
  return rows.length ? rows[0][0] : null;
}

async function register() {
  const info = { language: "node", node: process.version, queues };
  await scalar("SELECT xferity.register_worker($1, $2, $3::jsonb)", [
    workerId,
    os.hostname(),
    JSON.stringify(info),
  ]);
}

async function runJob(job) {
  // Keep the lease alive while the handler runs: a heartbeat every lease/3.
  const beat = setInterval(() => {
    scalar("SELECT xferity.heartbeat_job($1, $2, make_interval(secs => $3))", [
      job.id,
      workerId,
      leaseSeconds,
    ]).catch(() => {});
  }, (leaseSeconds * 1000) / 3);
  try {
    const handler = handlers[job.kind] || handlers.default;
    const result = await handler(job);
    const held = await scalar("SELECT xferity.complete_job($1, $2, $3::jsonb)", [
      job.id,
      workerId,
      JSON.stringify(result ?? {}),
    ]);
    return held ? "completed" : "lease_lost";
  } catch (error) {
    return scalar("SELECT xferity.fail_job($1, $2, $3, $4)", [
      job.id,
      workerId,
      String(error && error.message ? error.message : error),
      Boolean(error && error.permanent),
    ]);
  } finally {
    clearInterval(beat);
  }
}

async function main() {
  await client.connect();
  await register();
  while (!stopping) {
    if (!(await scalar("SELECT xferity.worker_heartbeat($1)", [workerId]))) await register();
    await scalar("SELECT xferity.reap_expired_jobs()");
    const { rows: jobs } = await client.query(
      "SELECT id, kind, payload, attempt FROM xferity.claim_job($1, $2, $3, make_interval(secs => $4))",
      [workerId, queues, batch, leaseSeconds],
    );
    if (jobs.length === 0) {
      if (exitWhenIdle) break;
      await new Promise((resolve) => setTimeout(resolve, pollSeconds * 1000));
      continue;
    }
    for (const job of jobs) {
      const outcome = await runJob(job);
      console.log(`job ${job.id} (${job.kind}): ${outcome}`);
    }
  }
  await client.end();
}

main().catch((error) => {
  console.error(`error: ${error.message}`);
  process.exit(1);
});

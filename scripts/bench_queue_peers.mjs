#!/usr/bin/env node
// Companion of bench_queue.py: the xferity job API beside bare SQL, graphile-worker and pg-boss,
// on one server, in one run, with the same client (Node, the `pg` driver, one process and one
// connection per worker).
//
// Systems: xferity (claim_job + complete_jobs: two commits per batch), fused
// (complete_and_claim_jobs: one commit per batch), bare (scripts/bench_bare.sql: a minimal
// table with one partial index, one WITH ... FOR UPDATE SKIP LOCKED ... UPDATE to claim and
// one UPDATE to finish; bare-table, asked for by --systems, runs the same SQL on a copy of
// xferity.jobs with its checks and indexes), graphile
// (graphile-worker, local queue of `batch` jobs, batched completion), pgboss (pg-boss fetch() of
// batchSize jobs, then complete()). For each batch B, worker count W and synchronous_commit on/off: enqueue the jobs,
// start W worker processes (each connects and starts up first; xferity, fused and bare also
// run one claim and finish in a transaction they roll back, so that compiling functions and
// planning statements is not timed), time until all are done, and check that every job was done exactly
// once: each worker reports the payload numbers it handled (each must appear once) and the
// database must show every job finished once (xferity/bare: state completed with attempt 1;
// pg-boss: completed with retry_count 0; graphile-worker: its jobs table empty, since it deletes
// finished jobs, and no job with a failed attempt). Then single-row and bulk enqueue.
// Figures are medians of --runs runs, with the ratio to bare in the same configuration. With
// graphile-worker among the systems, its documented fastest configuration (24 concurrent jobs,
// local queue 500) also runs beside bare SQL and the fused call at the largest batch
// (--graphile-fastest 0 skips it).
//
// The server must run with fsync on (the default; `python scripts/bench_server.py` starts one):
// otherwise no commit is measured, and the script refuses unless --allow-fsync-off.
//
// Needs Node >= 22 and the peers installed outside the repository, e.g.:
//   npm install --prefix ~/.cache/xferity-bench node@22 graphile-worker@0.18 pg-boss@12 pg
//   ~/.cache/xferity-bench/node_modules/.bin/node scripts/bench_queue_peers.mjs \
//       --modules ~/.cache/xferity-bench --dsn postgresql://postgres@localhost/bench \
//       --worker-dsn postgresql://xferity_bench_worker:...@localhost/bench
// (bench_server.py --worker-dsn-file writes a worker login's DSN; see dsnFor below).
// The database must be migrated (xferity-schema apply) and scratch: the script truncates
// xferity.jobs and creates/drops the schemas xferity_bench, graphile_worker and pgboss.

import { fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const SELF = fileURLToPath(import.meta.url);

// Options that take no value.
const FLAGS = new Set(["json", "allow-fsync-off"]);

function defaults() {
  return {
    dsn: process.env.XFERITY_BENCH_DSN,
    "worker-dsn": process.env.XFERITY_BENCH_WORKER_DSN,
    modules: process.env.XFERITY_BENCH_MODULES,
    systems: "xferity,fused,bare,graphile,pgboss",
    batch: "1,10,100",
    workers: "1,4",
    sync: "on,off",
    "graphile-fastest": "1",
    "allow-fsync-off": "",
    runs: "3",
    jobs: "20000",
    "jobs-per-batch-1": "3000",
    "enqueue-single": "2000",
    "enqueue-bulk": "20000",
    json: "",
    worker: "",
  };
}

function parseArgs(argv) {
  const options = defaults();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--")) throw new Error(`unexpected argument ${arg}`);
    const [key, inline] = arg.slice(2).split("=", 2);
    if (!(key in options)) throw new Error(`unknown option --${key}`);
    const flag = FLAGS.has(key);
    options[key] = inline ?? (flag ? "1" : argv[++i]);
  }
  if (!options.dsn) throw new Error("--dsn is required");
  if (!options.modules) throw new Error("--modules (the npm prefix holding the peers) is required");
  return options;
}

const list = (text) => text.split(",").map((s) => s.trim()).filter(Boolean);
const ints = (text) => list(text).map((s) => {
  const n = Number.parseInt(s, 10);
  if (!(n >= 1)) throw new Error(`expected positive integers: ${text}`);
  return n;
});
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function peers(modules) {
  const require = createRequire(path.join(path.resolve(modules), "package.json"));
  return {
    pg: require("pg"),
    graphile: () => require("graphile-worker"),
    pgboss: () => require("pg-boss"),
  };
}

// -- the queries ---------------------------------------------------------------------------

// bare: the minimal table; bare-table: the same SQL on a copy of xferity.jobs (its columns,
// checks and indexes), which tells the API's own cost from the cost of the table's indexes.
const BARE_TABLES = { bare: "xferity_bench.jobs", "bare-table": "xferity_bench.jobs_full" };
const Q = {
  xferityClaim: "SELECT id, payload FROM xferity.claim_job($1, NULL, $2)",
  xferityFinish: "SELECT xferity.complete_jobs($1::bigint[], $2)",
  fused:
    "SELECT outcome, id, payload FROM xferity.complete_and_claim_jobs($1, $2::bigint[], NULL, $3)",
  bareClaim: (table) => `
WITH ready AS (
    SELECT j.id FROM ${table} AS j
    WHERE j.state = 'available' AND j.attempt < j.max_attempts AND j.run_at <= now()
    ORDER BY j.priority DESC, j.run_at, j.id
    LIMIT $2
    FOR UPDATE SKIP LOCKED
)
UPDATE ${table} AS j
SET state = 'running', attempt = j.attempt + 1, locked_by = $1, locked_at = now(),
    lease_expires_at = now() + interval '300 seconds'
FROM ready WHERE j.id = ready.id
RETURNING j.id, j.payload`,
  bareFinish: (table) => `
UPDATE ${table}
SET state = 'completed', lease_expires_at = NULL, finished_at = now()
WHERE id = ANY($1::bigint[]) AND locked_by = $2`,
};

// -- worker processes ----------------------------------------------------------------------

async function runWorker(options) {
  const spec = JSON.parse(options.worker);
  const { pg } = peers(options.modules);
  const seen = [];
  const name = `bench-${process.pid}`;
  // Connect and start up first, then report ready and wait for the start signal: the timed
  // part is the work only, for every system.
  const started = new Promise((resolve) => process.once("message", resolve));
  const ready = () => { process.send({ ready: true }); return started; };
  if (["xferity", "fused", "bare", "bare-table"].includes(spec.system)) {
    const client = new pg.Client({ connectionString: options.dsn });
    await client.connect();
    const table = BARE_TABLES[spec.system];
    const claim = table ? Q.bareClaim(table) : Q.xferityClaim;
    const finish = table ? Q.bareFinish(table) : Q.xferityFinish;
    // Warm up in a transaction rolled back, so no job is taken: the server compiles the
    // functions and plans the statements once per connection (plpgsql, prepared statements),
    // which a short run would otherwise time as if it were work.
    await client.query("BEGIN");
    if (spec.system === "fused") {
      const { rows } = await client.query({ name: "fused", text: Q.fused, values: [name, [], spec.batch] });
      await client.query({ name: "fused", text: Q.fused, values: [name, rows.map((r) => r.id), spec.batch] });
    } else {
      const { rows } = await client.query({ name: "claim", text: claim, values: [name, spec.batch] });
      await client.query({ name: "finish", text: finish, values: [rows.map((r) => r.id), name] });
    }
    await client.query("ROLLBACK");
    await ready();
    if (spec.system === "fused") {
      let held = [];
      for (;;) {
        const { rows } = await client.query({ name: "fused", text: Q.fused, values: [name, held, spec.batch] });
        held = [];
        for (const row of rows) {
          if (row.outcome !== "claimed") throw new Error(`lease lost for job ${row.id}`);
          held.push(row.id);
          seen.push(row.payload.n);
        }
        if (held.length === 0) break;
      }
    } else {
      for (;;) {
        const { rows } = await client.query({ name: "claim", text: claim, values: [name, spec.batch] });
        if (rows.length === 0) break;
        for (const row of rows) seen.push(row.payload.n);
        await client.query({ name: "finish", text: finish, values: [rows.map((r) => r.id), name] });
      }
    }
    await client.end();
  } else if (spec.system === "graphile" || spec.system === "graphile-fast") {
    // graphile-worker's batching: a local queue of `batch` jobs fetched (and locked) at once,
    // as many concurrent jobs, and completions batched (completeJobBatchDelay 0). graphile-fast
    // is its documented fastest configuration whatever the batch: 24 concurrent jobs, a local
    // queue of 500.
    const fast = spec.system === "graphile-fast";
    const graphile = peers(options.modules).graphile();
    const pgPool = new pg.Pool({ connectionString: options.dsn, max: 2 });
    pgPool.on("error", (e) => { throw e; });
    await (await pgPool.connect()).release();
    await ready();
    const runner = await graphile.run({
      pgPool,
      noHandleSignals: true,
      taskList: { bench: async (payload) => { seen.push(payload.n); } },
      logger: new graphile.Logger(() => () => {}),
      preset: {
        worker: {
          concurrentJobs: fast ? 24 : spec.batch,
          maxPoolSize: 2,
          pollInterval: 200,
          ...(fast
            ? { localQueue: { size: 500 }, completeJobBatchDelay: 0 }
            : spec.batch > 1 ? { localQueue: { size: spec.batch }, completeJobBatchDelay: 0 } : {}),
        },
      },
    });
    await waitUntilEmpty(pg, options.dsn, "SELECT count(*)::int AS n FROM graphile_worker._private_jobs");
    await runner.stop();
    await pgPool.end();
  } else if (spec.system === "pgboss") {
    // pg-boss's own primitives in the same loop as the others: fetch a batch, complete it.
    const { PgBoss } = peers(options.modules).pgboss();
    const boss = new PgBoss({ connectionString: options.dsn, max: 1, schedule: false, supervise: false, migrate: false });
    boss.on("error", (e) => { throw e; });
    await boss.start();
    await ready();
    for (;;) {
      const jobs = await boss.fetch("bench", { batchSize: spec.batch });
      if (!jobs || jobs.length === 0) break;
      for (const job of jobs) seen.push(job.data.n);
      await boss.complete("bench", jobs.map((j) => j.id));
    }
    await boss.stop({ graceful: false, wait: true });
  }
  process.send({ seen }, () => process.exit(0));
}

async function waitUntilEmpty(pg, dsn, query) {
  const client = new pg.Client({ connectionString: dsn });
  await client.connect();
  for (;;) {
    const { rows } = await client.query(query);
    if (rows[0].n === 0) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  await client.end();
}

// -- the parent: setup, runs, checks -------------------------------------------------------

async function setup(pg, dsn, systems) {
  const c = new pg.Client({ connectionString: dsn });
  await c.connect();
  await c.query(readFileSync(path.join(path.dirname(SELF), "bench_bare.sql"), "utf8"));
  await c.end();
  if (systems.includes("graphile")) {
    const { runMigrations } = peers(OPTIONS.modules).graphile();
    await runMigrations({ connectionString: dsn, logger: new (peers(OPTIONS.modules).graphile().Logger)(() => () => {}) });
  }
  if (systems.includes("pgboss")) {
    const { PgBoss } = peers(OPTIONS.modules).pgboss();
    const boss = new PgBoss({ connectionString: dsn, max: 2, schedule: false, supervise: false });
    boss.on("error", console.error);
    await boss.start();
    await boss.createQueue("bench").catch(() => {});
    await boss.stop({ graceful: false, wait: true });
  }
}

async function withClient(pg, dsn, fn) {
  const c = new pg.Client({ connectionString: dsn });
  await c.connect();
  try { return await fn(c); } finally { await c.end(); }
}

const RESET = {
  xferity: ["TRUNCATE xferity.jobs RESTART IDENTITY CASCADE"],
  fused: ["TRUNCATE xferity.jobs RESTART IDENTITY CASCADE"],
  bare: ["TRUNCATE xferity_bench.jobs RESTART IDENTITY"],
  graphile: ["DELETE FROM graphile_worker._private_jobs", "DELETE FROM graphile_worker._private_job_queues"],
  pgboss: ["DELETE FROM pgboss.job WHERE name = 'bench'"],
};
const VACUUM = {
  xferity: "VACUUM (ANALYZE) xferity.jobs",
  fused: "VACUUM (ANALYZE) xferity.jobs",
  bare: "VACUUM (ANALYZE) xferity_bench.jobs",
  graphile: "VACUUM (ANALYZE) graphile_worker._private_jobs",
  pgboss: "VACUUM (ANALYZE) pgboss.job",
};
const FILL = {
  xferity: "SELECT xferity.enqueue_jobs(array_agg('bench'::text), array_agg(jsonb_build_object('n', g))) FROM generate_series(1, $1::int) AS g",
  bare: "INSERT INTO xferity_bench.jobs (kind, payload) SELECT 'bench', jsonb_build_object('n', g) FROM generate_series(1, $1::int) AS g",
  graphile: "SELECT graphile_worker.add_jobs(array_agg(ROW('bench', json_build_object('n', g), NULL, NULL, NULL, NULL, NULL, NULL)::graphile_worker.job_spec)) FROM generate_series(1, $1::int) AS g",
};
FILL.fused = FILL.xferity;
// The rows of jobs handled other than once (by payload number), where the table keeps them.
const JOB_ROWS = {
  xferity: "SELECT id, state, attempt, locked_by, run_at, lease_expires_at, finished_at FROM xferity.jobs WHERE (payload->>'n')::int = ANY($1::int[]) ORDER BY id",
  bare: "SELECT id, state, attempt, locked_by FROM xferity_bench.jobs WHERE (payload->>'n')::int = ANY($1::int[]) ORDER BY id",
};
JOB_ROWS.fused = JOB_ROWS.xferity;
// The database's own record that each job was finished exactly once.
const DONE_CHECK = {
  xferity: "SELECT count(*) FILTER (WHERE state = 'completed' AND attempt = 1)::int AS ok, count(*)::int AS total FROM xferity.jobs",
  bare: "SELECT count(*) FILTER (WHERE state = 'completed' AND attempt = 1)::int AS ok, count(*)::int AS total FROM xferity_bench.jobs",
  graphile: "SELECT $1::int - count(*)::int AS ok, $1::int AS total FROM graphile_worker._private_jobs",
  pgboss: "SELECT count(*) FILTER (WHERE state = 'completed' AND retry_count = 0)::int AS ok, count(*)::int AS total FROM pgboss.job WHERE name = 'bench'",
};
DONE_CHECK.fused = DONE_CHECK.xferity;
const onFullTable = (query) => query.replaceAll("xferity_bench.jobs", BARE_TABLES["bare-table"]);
for (const table of [RESET, VACUUM, FILL, DONE_CHECK]) table["graphile-fast"] = table.graphile;
RESET["bare-table"] = RESET.bare.map(onFullTable);
for (const table of [VACUUM, FILL, DONE_CHECK]) table["bare-table"] = onFullTable(table.bare);

async function fill(pg, dsn, system, jobs) {
  await withClient(pg, dsn, async (c) => {
    for (const q of RESET[system]) await c.query(q);
    if (system === "pgboss") {
      const { PgBoss } = peers(OPTIONS.modules).pgboss();
      const boss = new PgBoss({ connectionString: dsn, max: 2, schedule: false, supervise: false, migrate: false });
      boss.on("error", console.error);
      await boss.start();
      for (let i = 0; i < jobs; i += 5000) {
        const chunk = [];
        for (let n = i + 1; n <= Math.min(jobs, i + 5000); n++) chunk.push({ data: { n } });
        await boss.insert("bench", chunk);
      }
      await boss.stop({ graceful: false, wait: true });
    } else {
      await c.query(FILL[system], [jobs]);
    }
    await c.query(VACUUM[system]);
    await c.query("CHECKPOINT").catch(() => {});
  });
}

async function throughputRun(pg, dsn, system, batch, workers, jobs) {
  await fill(pg, dsn, system, jobs);
  const children = [];
  for (let w = 0; w < workers; w++) {
    const child = fork(SELF, ["--dsn", dsnFor(system, dsn), "--modules", OPTIONS.modules, "--worker", JSON.stringify({ system, batch })]);
    children.push(child);
  }
  const readies = children.map((child) => new Promise((resolve) => child.once("message", resolve)));
  const results = children.map((child, i) => readies[i].then(() => new Promise((resolve, reject) => {
    child.once("message", resolve);
    child.once("exit", (code) => { if (code) reject(new Error(`${system} worker exited ${code}`)); });
  })));
  await Promise.all(readies);
  const began = process.hrtime.bigint();
  for (const child of children) child.send("start");
  const reports = await Promise.all(results);
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  // Exactly once: by the workers' own account and by the database's.
  const counts = new Uint32Array(jobs + 1);
  for (const { seen } of reports) for (const n of seen) counts[n]++;
  const wrong = [];
  for (let n = 1; n <= jobs; n++) if (counts[n] !== 1) wrong.push(n);
  if (wrong.length) {
    // Every job handled other than once, with the database's row of the first few where the
    // table keeps them: enough to tell a lost claim from a lost report.
    const shown = wrong.slice(0, 10).map((n) => `${n} (${counts[n]}×)`).join(", ");
    let rows = "";
    if (JOB_ROWS[system]) {
      const found = await withClient(pg, dsn, (c) => c.query(JOB_ROWS[system], [wrong.slice(0, 10)]));
      rows = "; their rows: " + JSON.stringify(found.rows);
    }
    throw new Error(`${system}: ${wrong.length} job(s) handled other than once: ${shown}${rows}`);
  }
  const check = await withClient(pg, dsn, (c) =>
    c.query(DONE_CHECK[system], system.startsWith("graphile") ? [jobs] : []));
  const { ok, total } = check.rows[0];
  if (ok !== jobs || total !== jobs) {
    throw new Error(`${system}: the database shows ${ok} of ${total} jobs done once, expected ${jobs}`);
  }
  return jobs / seconds;
}

// -- enqueue -------------------------------------------------------------------------------

const SINGLE = {
  xferity: "SELECT xferity.enqueue_job('bench', jsonb_build_object('n', $1::int))",
  bare: "INSERT INTO xferity_bench.jobs (kind, payload) VALUES ('bench', jsonb_build_object('n', $1::int))",
  graphile: "SELECT graphile_worker.add_job('bench', json_build_object('n', $1::int))",
};
const BULK = {
  "xferity enqueue_jobs": FILL.xferity,
  "xferity enqueue_job x N": "SELECT xferity.enqueue_job('bench', jsonb_build_object('n', g)) FROM generate_series(1, $1::int) AS g",
  bare: FILL.bare,
  graphile: FILL.graphile,
};

// The xferity systems call the job API as Xferity's workers do: logged in as a role that may
// only run the job functions (--worker-dsn), not as the superuser that owns the schema, whose
// own rows the jobs_check_rules trigger checks (migration 0019). Without --worker-dsn they run
// as --dsn's user.
function dsnFor(system, dsn) {
  return system === "fused" || system.startsWith("xferity") ? OPTIONS["worker-dsn"] ?? dsn : dsn;
}

async function enqueueRun(pg, dsn, system, mode, count) {
  const resetKey = system.startsWith("xferity") ? "xferity" : system;
  await withClient(pg, dsn, async (c) => { for (const q of RESET[resetKey]) await c.query(q); await c.query(VACUUM[resetKey]); });
  if (system === "pgboss") {
    const { PgBoss } = peers(OPTIONS.modules).pgboss();
    const boss = new PgBoss({ connectionString: dsn, max: 1, schedule: false, supervise: false, migrate: false });
    boss.on("error", console.error);
    await boss.start();
    const began = process.hrtime.bigint();
    if (mode === "single") {
      for (let n = 1; n <= count; n++) await boss.send("bench", { n });
    } else {
      const all = [];
      for (let n = 1; n <= count; n++) all.push({ data: { n } });
      await boss.insert("bench", all);
    }
    const seconds = Number(process.hrtime.bigint() - began) / 1e9;
    await boss.stop({ graceful: false, wait: true });
    return count / seconds;
  }
  return withClient(pg, dsnFor(system, dsn), async (c) => {
    const began = process.hrtime.bigint();
    if (mode === "single") {
      const text = SINGLE[system];
      for (let n = 1; n <= count; n++) await c.query({ name: "single", text, values: [n] });
    } else {
      await c.query(BULK[system], [count]);
    }
    return count / (Number(process.hrtime.bigint() - began) / 1e9);
  });
}

// -- main ----------------------------------------------------------------------------------

async function setSync(pg, dsn, value) {
  await withClient(pg, dsn, async (c) => {
    const db = (await c.query("SELECT current_database() AS d")).rows[0].d;
    await c.query(`ALTER DATABASE ${c.escapeIdentifier(db)} SET synchronous_commit = ${value === "on" ? "on" : "off"}`);
  });
}

function options() {
  if (process.argv.includes("--help") || process.argv.includes("-h")) {
    // The usage is the comment at the top of this file, then the options and their defaults.
    const lines = readFileSync(SELF, "utf8").split("\n").slice(1);
    const header = lines.slice(0, lines.findIndex((l) => !l.startsWith("//")));
    console.log(header.map((l) => l.replace(/^\/\/ ?/, "")).join("\n"));
    console.log("\nOptions (default):");
    for (const [key, value] of Object.entries(defaults())) {
      if (key === "worker") continue;  // internal: how the parent starts a worker process
      const flag = FLAGS.has(key);
      // The DSNs may hold a password: name where the default comes from, never its value.
      const from = { dsn: "XFERITY_BENCH_DSN", "worker-dsn": "XFERITY_BENCH_WORKER_DSN", modules: "XFERITY_BENCH_MODULES" }[key];
      const shown = from ? `$${from}` : value;
      console.log(`  --${key}${flag ? "" : " VALUE"}${shown ? `  (${shown})` : ""}`);
    }
    process.exit(0);
  }
  try {
    return parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`error: ${error.message} (--help lists the options)`);
    process.exit(2);
  }
}

const OPTIONS = options();

async function main() {
  if (OPTIONS.worker) return runWorker(OPTIONS);
  const { pg } = peers(OPTIONS.modules);
  const systems = list(OPTIONS.systems);
  const runs = Number.parseInt(OPTIONS.runs, 10);
  const version = await withClient(pg, OPTIONS.dsn, (c) => c.query("SHOW server_version"));
  const fsync = (await withClient(pg, OPTIONS.dsn, (c) => c.query("SHOW fsync"))).rows[0].fsync;
  // With fsync off a commit writes nothing to disk: batch 1, bound by commit latency in
  // production, would be measured as if commits were free.
  if (fsync !== "on" && !OPTIONS["allow-fsync-off"]) {
    throw new Error("the server runs with fsync off, so no commit is measured: use a server with " +
      "default durability (python scripts/bench_server.py), or pass --allow-fsync-off");
  }
  console.log(`# server ${version.rows[0].server_version} (fsync ${fsync}), node ${process.version}, ${runs} run(s) each`);
  const fastest = OPTIONS["graphile-fastest"] !== "0" && systems.includes("graphile");
  await setup(pg, OPTIONS.dsn, systems);
  const report = { throughput: [], fastest: [], enqueue: [] };
  try {
    for (const sync of list(OPTIONS.sync)) {
      await setSync(pg, OPTIONS.dsn, sync);
      for (const batch of ints(OPTIONS.batch)) {
        for (const workers of ints(OPTIONS.workers)) {
          const jobs = batch === 1 ? Number(OPTIONS["jobs-per-batch-1"]) : Number(OPTIONS.jobs);
          report.throughput.push(await measuredRow(pg, systems, runs, { sync, batch, workers, jobs },
            `sync=${sync} batch=${batch} workers=${workers}`));
        }
      }
      if (fastest) {
        // graphile-worker's fastest configuration beside bare SQL and the fused call at the
        // largest batch, per worker count.
        const batch = Math.max(...ints(OPTIONS.batch));
        const contenders = ["graphile-fast", "bare", ...(systems.includes("fused") ? ["fused"] : [])];
        for (const workers of ints(OPTIONS.workers)) {
          const jobs = Number(OPTIONS.jobs);
          report.fastest.push(await measuredRow(pg, contenders, runs, { sync, batch, workers, jobs },
            `fastest sync=${sync} workers=${workers}`));
        }
      }
    }
    await setSync(pg, OPTIONS.dsn, "on");
    const enqueueSystems = {
      single: ["xferity", "bare", "graphile", "pgboss"].filter((s) => s === "bare" || systems.includes(s) || (s === "xferity" && systems.includes("fused"))),
      bulk: ["xferity enqueue_jobs", "xferity enqueue_job x N", "bare", "graphile", "pgboss"]
        .filter((s) => s === "bare" || s.startsWith("xferity") || systems.includes(s)),
    };
    for (const mode of ["single", "bulk"]) {
      const count = Number(OPTIONS[`enqueue-${mode}`]);
      if (count === 0) continue;  // --enqueue-single 0 / --enqueue-bulk 0: not measured
      const rates = Object.fromEntries(enqueueSystems[mode].map((s) => [s, []]));
      for (let r = 0; r < runs; r++) {
        for (const s of enqueueSystems[mode]) rates[s].push(await enqueueRun(pg, OPTIONS.dsn, s, mode, count));
      }
      for (const s of enqueueSystems[mode]) report.enqueue.push({ mode, system: s, count, rate: median(rates[s]) });
    }
  } finally {
    await setSync(pg, OPTIONS.dsn, "on").catch(() => {});
  }
  printReport(report, systems);
  if (OPTIONS.json) console.log(JSON.stringify(report, null, 2));
}

// One configuration's throughput: `runs` runs of every system, interleaved so that drift hits
// every system alike; the row holds each system's median rate and, under `runs`, every run's.
// Prints a progress line headed by `label`.
async function measuredRow(pg, systems, runs, spec, label) {
  const rates = Object.fromEntries(systems.map((s) => [s, []]));
  for (let r = 0; r < runs; r++) {
    for (const system of systems) {
      rates[system].push(await throughputRun(pg, OPTIONS.dsn, system, spec.batch, spec.workers, spec.jobs));
    }
  }
  const row = { ...spec, runs: rates };
  for (const s of systems) row[s] = median(rates[s]);
  console.error(`${label} ` +
    systems.map((s) => `${s}=${row[s].toFixed(0)}${pairedRange(rates[s], rates.bare)}`).join(" "));
  return row;
}

// The range over runs of a system's rate against bare SQL's in the same run (the systems run
// interleaved, so each pair shares the machine's state): " [0.83-0.91x]", or "" without bare.
function pairedRange(rates, bareRates) {
  if (!bareRates || rates === bareRates) return "";
  const ratios = rates.map((r, i) => r / bareRates[i]);
  return ` [${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}x]`;
}

function printReport(report, systems) {
  const names = { xferity: "xferity API", fused: "xferity fused", bare: "bare SQL", "bare-table": "bare SQL on xferity.jobs' shape", graphile: "graphile-worker", pgboss: "pg-boss" };
  // Without bare SQL in the run (--systems without bare) there is no ratio to show.
  const cell = (v, bare) => `${Math.round(v).toLocaleString("en-US")}` + (bare > 0 ? ` (${(v / bare).toFixed(2)}×)` : "");
  console.log("\nThroughput, jobs/s (median; ratio to bare SQL in the same configuration)\n");
  console.log(`| sync commit | batch, workers | ${systems.map((s) => names[s]).join(" | ")} |`);
  console.log(`|---|---|${systems.map(() => "---").join("|")}|`);
  for (const row of report.throughput) {
    console.log(`| ${row.sync} | ${row.batch}, ${row.workers} | ${systems.map((s) => cell(row[s], row.bare)).join(" | ")} |`);
  }
  if (report.fastest.length) {
    console.log("\ngraphile-worker's fastest configuration (24 concurrent jobs, local queue 500), " +
      "beside bare SQL and the fused call at batch B; jobs/s (median; ratio to bare SQL)\n");
    const fusedToo = "fused" in report.fastest[0];
    console.log(`| sync commit | workers | graphile-worker fastest | bare SQL, batch B |${fusedToo ? " xferity fused, batch B |" : ""}`);
    console.log(`|---|---|---|---|${fusedToo ? "---|" : ""}`);
    for (const row of report.fastest) {
      const fused = fusedToo ? ` ${cell(row.fused, row.bare)} |` : "";
      console.log(`| ${row.sync} | ${row.workers} (B = ${row.batch}) | ${cell(row["graphile-fast"], row.bare)} | ${cell(row.bare, row.bare)} |${fused}`);
    }
  }
  if (!report.enqueue.length) return;
  console.log("\nEnqueue, jobs/s (median; ratio to bare SQL)\n");
  console.log("| mode | system | jobs/s |\n|---|---|---|");
  for (const mode of ["single", "bulk"]) {
    const bare = report.enqueue.find((e) => e.mode === mode && e.system === "bare")?.rate;
    for (const e of report.enqueue.filter((x) => x.mode === mode)) {
      console.log(`| ${mode} (${e.count}) | ${e.system} | ${cell(e.rate, bare)} |`);
    }
  }
}

main().catch((error) => {
  console.error(`error: ${error.message}`);
  process.exit(1);
});

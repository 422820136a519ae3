#!/usr/bin/env node
// Vigil end-to-end workload driver.
//
// Usage: node workload.mjs --redis redis://127.0.0.1:PORT --major 5|6|3 [--prefix bull]
//                          [--cluster] [--timeout-seconds 600]
//
// Builds a fixed, deterministic scenario in a real Redis with the chosen library
// (bullmq5 = bullmq@5, bullmq6 = bullmq@6, bull3 = bull@3, see package.json),
// waits until BullMQ/Bull itself reports the expected state, then prints exactly
// one line of JSON to stdout with what the library says (getJobCounts(), worker
// count, isPaused()), followed by a line "READY". It then keeps everything
// running (workers connected, one job held active) until stdin reaches EOF,
// or SIGTERM/SIGINT arrives, then shuts down cleanly and exits 0.
// Any failure: message on stderr, exit 1. stdout carries nothing but those two lines.
//
// Scenario (see README.md):
//   emails             4 completed, 2 failed, 1 active (held by a concurrency-1 worker),
//                      5 waiting, 3 delayed (1 h), 2 prioritized (priority 5 and 10)
//   tenant:42:reports  3 jobs, queue.pause(), 2 more jobs; no workers
//   flows-parent       (BullMQ only) 1 parent job in waiting-children
//   flows-child        (BullMQ only) its 2 children, waiting
//   idle               1 completed job, nothing waiting, 2 idle workers
//
// --cluster (BullMQ only): --redis names one seed node of a Redis Cluster; every
// Queue/Worker/FlowProducer gets its own ioredis Cluster connection, and each queue
// name gets a hash tag so that all keys of one queue share a slot while different
// queues land on different slots: {emails}, tenant:42:{reports}, {idle} and, for
// the flow (whose parent and children must share a slot, see README.md),
// {flows}-parent and {flows}-child. The JSON keys are those full names.

import net from 'node:net';
import process from 'node:process';
import { createRequire } from 'node:module';

// Keep stdout clean: anything a library might print goes to stderr.
for (const m of ['log', 'info', 'debug']) {
  console[m] = (...args) => console.error(...args);
}
const writeStdout = (line) =>
  new Promise((resolve, reject) =>
    process.stdout.write(line + '\n', (err) => (err ? reject(err) : resolve())),
  );
const log = (...args) => console.error('[workload]', ...args);

const SETTLE_TIMEOUT_MS = 60_000;
const SHUTDOWN_TIMEOUT_MS = 30_000;
const POLL_MS = 100;
const HOUR_MS = 60 * 60 * 1000;

// ---------------------------------------------------------------------------
// arguments

function parseArgs(argv) {
  const opts = { prefix: 'bull', timeoutSeconds: 600 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`missing value for ${arg}`);
      return argv[++i];
    };
    switch (arg) {
      case '--redis': opts.redis = next(); break;
      case '--major': opts.major = Number(next()); break;
      case '--prefix': opts.prefix = next(); break;
      case '--cluster': opts.cluster = true; break;
      case '--timeout-seconds': opts.timeoutSeconds = Number(next()); break;
      default: throw new Error(`unknown argument ${arg}`);
    }
  }
  if (!opts.redis) throw new Error('--redis redis://host:port is required');
  if (![3, 5, 6].includes(opts.major)) throw new Error('--major must be 3, 5 or 6');
  if (opts.cluster && opts.major === 3) {
    throw new Error('--cluster is not supported with --major 3: this driver implements Redis Cluster ' +
      'only for BullMQ (5 and 6), not for Bull 3');
  }
  if (!opts.prefix) throw new Error('--prefix must not be empty');
  if (!(opts.timeoutSeconds > 0)) throw new Error('--timeout-seconds must be > 0');
  return opts;
}

function redisOptionsFromUrl(urlString) {
  const url = new URL(urlString);
  if (url.protocol !== 'redis:') throw new Error(`only redis:// URLs are supported: ${urlString}`);
  const o = {
    host: url.hostname || '127.0.0.1',
    port: url.port ? Number(url.port) : 6379,
    db: url.pathname && url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    // Required by BullMQ workers (blocking connections); harmless elsewhere.
    maxRetriesPerRequest: null,
  };
  if (url.username) o.username = decodeURIComponent(url.username);
  if (url.password) o.password = decodeURIComponent(url.password);
  return o;
}

// Fail fast if nothing listens at host:port (the libraries would retry forever).
function checkReachable({ host, port }, timeoutMs = 10_000) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(timeoutMs);
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error(`Redis at ${host}:${port} not reachable within ${timeoutMs} ms`));
    });
    socket.once('error', (err) => reject(new Error(`Redis at ${host}:${port} not reachable: ${err.message}`)));
  });
}

// Fail fast with a clear message if --cluster does not match the server (the
// libraries would otherwise retry or fail with MOVED/slot-cache errors).
async function checkClusterMode(redis, wantCluster) {
  const ioredis = createRequire(import.meta.url)('ioredis');
  const Redis = ioredis.default ?? ioredis;
  const { maxRetriesPerRequest, db, ...o } = redis;
  const c = new Redis({ ...o, lazyConnect: true, retryStrategy: null, maxRetriesPerRequest: 1 });
  c.on('error', () => {});
  try {
    await c.connect();
    const info = await c.info('cluster');
    const enabled = /^cluster_enabled:1\b/m.test(info);
    if (wantCluster && !enabled) {
      throw new Error(`--cluster given, but ${redis.host}:${redis.port} is not a Redis Cluster node`);
    }
    if (!wantCluster && enabled) {
      throw new Error(`${redis.host}:${redis.port} is a Redis Cluster node: add --cluster`);
    }
    if (wantCluster) {
      const state = (await c.cluster('INFO')).match(/^cluster_state:(\w+)/m);
      if (!state || state[1] !== 'ok') {
        throw new Error(`Redis Cluster at ${redis.host}:${redis.port} is not ready: cluster_state ${state && state[1]}`);
      }
    }
  } finally {
    c.disconnect();
  }
}

// ---------------------------------------------------------------------------
// library adapters: the scenario below only talks to these.

// Everything that must be closed on shutdown, in creation order.
const workersToClose = [];
const othersToClose = [];
const clustersToClose = []; // ioredis Cluster instances: closed last (see below)

// Returns a function that makes the `connection` option of one BullMQ object.
// Standalone: plain ioredis options, BullMQ opens (and closes) its own connections.
// Cluster: a fresh ioredis Cluster instance per BullMQ object; that is the only way
// to get BullMQ onto a cluster (plain options always make a standalone client).
// BullMQ treats a passed-in instance as shared: Queue/FlowProducer.close() leave it
// open, a Worker uses it for its commands and opens a duplicate() of it (carrying
// the worker's CLIENT SETNAME) for its blocking connection, which it does close.
// So the instances created here are quit after all BullMQ objects are closed.
function connectionFactory(redis, cluster) {
  if (!cluster) return () => ({ ...redis });
  // The ioredis both BullMQ majors load (bullmq5 depends on it, bullmq6 has it as
  // a peer dependency); package.json pins it.
  const ioredis = createRequire(import.meta.url)('ioredis');
  const Cluster = ioredis.Cluster ?? ioredis.default.Cluster;
  const { host, port, db, maxRetriesPerRequest, ...auth } = redis;
  return (what) => {
    const c = new Cluster([{ host, port }], {
      // Options for every per-node connection. BullMQ refuses (throws) a passed-in
      // instance whose maxRetriesPerRequest is set for a Worker; null = retry forever.
      redisOptions: { ...auth, maxRetriesPerRequest: null },
      // Default, stated for clarity: 'ready' only after CLUSTER INFO says
      // cluster_state:ok, so nothing is sent to a cluster still forming.
      enableReadyCheck: true,
    });
    c.on('error', (err) => log(`cluster connection of ${what} error:`, err && err.message ? err.message : err));
    clustersToClose.push(async () => {
      if (c.status === 'end') return;
      try {
        await c.quit();
      } catch {
        c.disconnect();
      }
    });
    return c;
  };
}

async function bullmqAdapter(pkg, connection, prefix) {
  const { Queue, Worker, FlowProducer } = await import(pkg);
  // BullMQ (5 and 6) refuses queue names containing ':' ("Queue name cannot contain :").
  // A queue "a:b:c" is therefore created as queue "c" under prefix "<prefix>:a:b": the
  // Redis keys are byte-for-byte what "<prefix>" + "a:b:c" would produce
  // (<prefix>:a:b:c:wait, <prefix>:a:b:c:meta, ...), i.e. what an exporter that assumes
  // prefix "<prefix>" sees as queue "a:b:c". Only the CLIENT SETNAME of a worker of
  // such a queue would differ (base64 of "c", not of "a:b:c"); this scenario has none.
  const split = (name) => {
    const i = name.lastIndexOf(':');
    return i < 0
      ? { prefix, name }
      : { prefix: `${prefix}:${name.slice(0, i)}`, name: name.slice(i + 1) };
  };
  const onError = (what) => (err) => log(`${what} error:`, err && err.message ? err.message : err);
  return {
    supportsFlows: true,
    supportsPrioritized: true,
    // getWorkersCount() counts the connections named "<prefix>:<base64(queue)>"
    // (or ...":w:<name>"): only each Worker's blocking connection carries that name.
    expectedWorkerCount: (workers) => workers,
    async queue(name) {
      const s = split(name);
      if (s.name !== name) log(`queue "${name}" -> BullMQ queue "${s.name}" with prefix "${s.prefix}"`);
      const q = new Queue(s.name, { connection: connection(`queue ${name}`), prefix: s.prefix });
      q.on('error', onError(`queue ${name}`));
      othersToClose.push(() => q.close());
      await q.waitUntilReady();
      return q;
    },
    add: (q, jobName, data, opts = {}) => q.add(jobName, data, opts),
    async worker(name, processor, concurrency) {
      const s = split(name);
      const w = new Worker(s.name, async (job) => processor(job), {
        connection: connection(`worker ${name}`),
        prefix: s.prefix,
        concurrency,
      });
      w.on('error', onError(`worker ${name}`));
      workersToClose.push(() => w.close());
      await w.waitUntilReady();
      return w;
    },
    closeWorker: (w) => w.close(),
    pause: (q) => q.pause(),
    counts: (q) => q.getJobCounts(),
    workers: (q) => q.getWorkersCount(),
    isPaused: (q) => q.isPaused(),
    async flow(tree) {
      const fp = new FlowProducer({ connection: connection('flow producer'), prefix });
      fp.on('error', onError('flow producer'));
      othersToClose.push(() => fp.close());
      return fp.add(tree);
    },
  };
}

async function bull3Adapter(redis, prefix) {
  const Bull = (await import('bull3')).default;
  const onError = (what) => (err) => log(`${what} error:`, err && err.message ? err.message : err);
  const ready = (q) => q.isReady();
  return {
    supportsFlows: false,
    // Bull 3 has no "prioritized" state: a job with a priority goes into the
    // ordinary wait list (ordered via the <queue>:priority zset), so it is
    // counted under "waiting" by getJobCounts().
    supportsPrioritized: false,
    // Bull 3 getWorkers() lists every connection whose CLIENT SETNAME starts with
    // "<prefix>:<base64(queue)>", and Bull 3 names *all* connections of *every*
    // Queue instance that way. Measured with bull@3.29.3: the producer/reporting
    // Queue instance has 1 connection (client); each worker instance has 3
    // (client, subscriber "eclient", blocking "bclient"). So the library reports
    // 1 + 3 * workers, and that is what we report and wait for.
    expectedWorkerCount: (workers) => 1 + 3 * workers,
    async queue(name) {
      // Bull 3 accepts ':' in queue names, so the name is used as is.
      const q = new Bull(name, { redis: { ...redis }, prefix });
      q.on('error', onError(`queue ${name}`));
      othersToClose.push(() => q.close());
      await ready(q);
      return q;
    },
    add: (q, jobName, data, opts = {}) => q.add(jobName, data, opts),
    async worker(name, processor, concurrency) {
      // In Bull 3 a worker is a Queue instance with a process() handler. '*'
      // handles jobs of any name. process() only resolves once the worker stops.
      const w = new Bull(name, { redis: { ...redis }, prefix });
      w.on('error', onError(`worker ${name}`));
      workersToClose.push(() => w.close());
      await ready(w);
      w.process('*', concurrency, async (job) => processor(job)).catch(onError(`worker ${name} process()`));
      // process() connects the blocking client (named like the queue) before it
      // starts fetching; wait for it so that the worker is really running.
      await waitFor(`bull3 worker ${name} blocking client`, async () =>
        w.bclientInitialized && w.bclient.status === 'ready', () => 'not ready');
      return w;
    },
    closeWorker: (w) => w.close(),
    pause: (q) => q.pause(), // global pause (not the local, per-instance one)
    counts: (q) => q.getJobCounts(),
    workers: async (q) => (await q.getWorkers()).length,
    isPaused: (q) => q.isPaused(),
    flow: () => {
      throw new Error('flows are not supported by Bull 3');
    },
  };
}

// ---------------------------------------------------------------------------
// helpers

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let aborted = false; // set on SIGTERM during setup: stop waiting

async function waitFor(what, check, describe, timeoutMs = SETTLE_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (aborted) throw new Error(`aborted while waiting for ${what}`);
    if (await check()) return;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${await describe()}`);
    }
    await sleep(POLL_MS);
  }
}

// Expected counts are expressed as groups of getJobCounts() keys whose sum must
// match, so that where a library files a job (e.g. "paused" vs "waiting" for a
// paused queue) is not prescribed here: the JSON reports exactly what it returns.
// Every key returned by getJobCounts() that is in no group must be 0.
function countsMatch(counts, groups) {
  const covered = new Set();
  for (const [keys, n] of groups) {
    let sum = 0;
    for (const k of keys) {
      covered.add(k);
      sum += counts[k] ?? 0;
    }
    if (sum !== n) return false;
  }
  return Object.entries(counts).every(([k, v]) => covered.has(k) || v === 0);
}

async function settleCounts(lib, name, q, groups) {
  let last;
  await waitFor(
    `job counts of ${name} to reach ${JSON.stringify(groups)}`,
    async () => countsMatch((last = await lib.counts(q)), groups),
    () => JSON.stringify(last),
  );
  return last;
}

// ---------------------------------------------------------------------------
// scenario

let releaseHeld; // resolves the promise the held "emails" job is blocked on
const held = new Promise((resolve) => {
  releaseHeld = resolve;
});

// Full queue names (what an exporter sees between "<prefix>:" and the key suffix;
// also the JSON keys). In cluster mode every name carries a hash tag so that all
// keys of one queue hash to one slot (BullMQ's Lua scripts need that) while
// different queues spread over the cluster. A flow's parent and children must
// share a slot (FlowProducer.add() is one MULTI over both queues, and the child
// scripts write the parent's dependency keys), so the two flow queues share the
// tag {flows} instead of having one tag each.
function scenarioNames(cluster) {
  return cluster
    ? {
        emails: '{emails}',
        reports: 'tenant:42:{reports}',
        flowsParent: '{flows}-parent',
        flowsChild: '{flows}-child',
        idle: '{idle}',
      }
    : {
        emails: 'emails',
        reports: 'tenant:42:reports',
        flowsParent: 'flows-parent',
        flowsChild: 'flows-child',
        idle: 'idle',
      };
}

async function buildScenario(lib, names) {
  const queues = {}; // report name -> { q, expectedWorkers (real workers), groups }

  // -- emails ---------------------------------------------------------------
  const emails = await lib.queue(names.emails);
  queues[names.emails] = { q: emails, expectedWorkers: 1 };

  const finisher = await lib.worker(names.emails, async (job) => {
    if (job.data.outcome === 'fail') throw new Error(`intentional failure of job ${job.id}`);
    return { sent: true };
  }, 1);
  for (let i = 1; i <= 4; i++) await lib.add(emails, 'send', { n: i, outcome: 'complete' }, { attempts: 1 });
  for (let i = 1; i <= 2; i++) await lib.add(emails, 'send', { n: i, outcome: 'fail' }, { attempts: 1 });
  await settleCounts(lib, names.emails, emails, [[['completed'], 4], [['failed'], 2]]);
  await lib.closeWorker(finisher);
  log(`${names.emails}: 4 completed, 2 failed; first worker closed`);

  // Concurrency 1 and its only slot is taken by the held job, so this worker
  // never fetches any of the jobs added afterwards.
  await lib.worker(names.emails, async (job) => {
    log(`${names.emails}: holding job ${job.id} active until shutdown`);
    await held;
    return { released: true };
  }, 1);
  await lib.add(emails, 'send', { held: true }, { attempts: 1 });
  await settleCounts(lib, names.emails, emails, [[['active'], 1], [['completed'], 4], [['failed'], 2]]);

  for (let i = 1; i <= 5; i++) await lib.add(emails, 'send', { n: i, kind: 'waiting' });
  for (let i = 1; i <= 3; i++) await lib.add(emails, 'send', { n: i, kind: 'delayed' }, { delay: HOUR_MS });
  await lib.add(emails, 'send', { kind: 'prioritized' }, { priority: 5 });
  await lib.add(emails, 'send', { kind: 'prioritized' }, { priority: 10 });
  const emailsGroups = [[['active'], 1], [['completed'], 4], [['failed'], 2], [['delayed'], 3]];
  if (lib.supportsPrioritized) {
    emailsGroups.push([['waiting', 'paused'], 5], [['prioritized'], 2]);
  } else {
    emailsGroups.push([['waiting', 'paused'], 7]); // Bull 3: priority jobs are plain waiting jobs
  }
  queues[names.emails].groups = emailsGroups;

  // -- tenant:42:reports (paused) ---------------------------------------------
  const reports = await lib.queue(names.reports);
  queues[names.reports] = {
    q: reports,
    expectedWorkers: 0,
    groups: [[['waiting', 'paused'], 5]],
  };
  for (let i = 1; i <= 3; i++) await lib.add(reports, 'render', { n: i, phase: 'before-pause' });
  await lib.pause(reports);
  for (let i = 4; i <= 5; i++) await lib.add(reports, 'render', { n: i, phase: 'while-paused' });

  // -- flows-parent / flows-child (BullMQ only) -------------------------------
  if (lib.supportsFlows) {
    const parent = await lib.queue(names.flowsParent);
    const child = await lib.queue(names.flowsChild);
    queues[names.flowsParent] = { q: parent, expectedWorkers: 0, groups: [[['waiting-children'], 1]] };
    queues[names.flowsChild] = { q: child, expectedWorkers: 0, groups: [[['waiting', 'paused'], 2]] };
    await lib.flow({
      name: 'assemble',
      queueName: names.flowsParent,
      data: { kind: 'parent' },
      children: [
        { name: 'part', queueName: names.flowsChild, data: { n: 1 } },
        { name: 'part', queueName: names.flowsChild, data: { n: 2 } },
      ],
    });
  }

  // -- idle -------------------------------------------------------------------
  const idle = await lib.queue(names.idle);
  queues[names.idle] = { q: idle, expectedWorkers: 2, groups: [[['completed'], 1]] };
  await lib.worker(names.idle, async () => ({ done: true }), 1);
  await lib.worker(names.idle, async () => ({ done: true }), 1);
  await lib.add(idle, 'tick', { n: 1 });

  return queues;
}

async function settleAndReport(lib, queues, opts) {
  for (const [name, { q, groups }] of Object.entries(queues)) {
    await settleCounts(lib, name, q, groups);
  }
  // Worker connections name themselves asynchronously; wait for the expected
  // number before reporting.
  for (const [name, entry] of Object.entries(queues)) {
    const expected = lib.expectedWorkerCount(entry.expectedWorkers);
    let last;
    await waitFor(
      `worker count of ${name} to reach ${expected}`,
      async () => (last = await lib.workers(entry.q)) === expected,
      () => String(last),
    );
  }
  // Read everything once more, after everything has settled.
  const report = { major: opts.major, prefix: opts.prefix, queues: {} };
  for (const [name, { q, groups }] of Object.entries(queues)) {
    const counts = await lib.counts(q);
    if (!countsMatch(counts, groups)) {
      throw new Error(`job counts of ${name} changed after settling: ${JSON.stringify(counts)}`);
    }
    report.queues[name] = { counts, workers: await lib.workers(q), paused: await lib.isPaused(q) };
  }
  return report;
}

// ---------------------------------------------------------------------------
// lifecycle

let shuttingDown = false;
let ready = false;
let stopRequested = false;

async function closeAll() {
  // Stop the workers from fetching first, then let the held job finish so
  // that close() (which waits for active jobs) can complete.
  const closingWorkers = workersToClose.map((close) =>
    Promise.resolve().then(close).catch((err) => log('closing worker:', err.message)));
  releaseHeld();
  await Promise.all(closingWorkers);
  await Promise.all(othersToClose.map((close) =>
    Promise.resolve().then(close).catch((err) => log('closing:', err.message))));
  await Promise.all(clustersToClose.map((close) =>
    Promise.resolve().then(close).catch((err) => log('closing cluster connection:', err.message))));
}

async function shutdown(reason, exitCode) {
  if (shuttingDown) return;
  shuttingDown = true;
  aborted = true;
  log(`shutting down (${reason})`);
  const timer = setTimeout(() => {
    log(`shutdown did not finish within ${SHUTDOWN_TIMEOUT_MS} ms, exiting`);
    process.exit(1);
  }, SHUTDOWN_TIMEOUT_MS);
  try {
    await closeAll();
  } catch (err) {
    log('error during shutdown:', err && err.stack ? err.stack : err);
    exitCode = 1;
  }
  clearTimeout(timer);
  log(`bye (exit ${exitCode})`);
  process.exit(exitCode);
}

function fail(err) {
  if (shuttingDown) {
    log('(ignored during shutdown)', err && err.message ? err.message : err);
    return;
  }
  log('FAILED:', err && err.stack ? err.stack : err);
  shutdown('failure', 1);
}

// Stop only after READY: stdin at EOF before that (e.g. < /dev/null) just
// means "stop as soon as you are ready".
function requestStop(reason) {
  stopRequested = true;
  if (ready) shutdown(reason, 0);
  else log(`${reason} before READY; will stop once ready`);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));

  const hardTimer = setTimeout(() => {
    log(`hard timeout of ${opts.timeoutSeconds} s reached`);
    shutdown('hard timeout', 1);
  }, opts.timeoutSeconds * 1000);
  hardTimer.unref();

  process.on('SIGTERM', () => shutdown('SIGTERM', 0));
  process.on('SIGINT', () => shutdown('SIGINT', 0));
  process.stdin.on('data', () => {});
  process.stdin.on('end', () => requestStop('stdin closed'));
  process.stdin.on('error', () => requestStop('stdin error'));
  process.stdin.resume();

  const redis = redisOptionsFromUrl(opts.redis);
  if (opts.cluster && redis.db !== 0) throw new Error('--cluster: a Redis Cluster has only database 0');
  await checkReachable(redis);
  await checkClusterMode(redis, !!opts.cluster);
  const lib = opts.major === 3
    ? await bull3Adapter(redis, opts.prefix)
    : await bullmqAdapter(opts.major === 5 ? 'bullmq5' : 'bullmq6',
        connectionFactory(redis, opts.cluster), opts.prefix);
  log(`major ${opts.major}, prefix "${opts.prefix}", ` + (opts.cluster
    ? `Redis Cluster via seed node ${redis.host}:${redis.port}`
    : `redis ${redis.host}:${redis.port}/${redis.db}`));

  // Startup (connecting, building, settling) gets a bounded time of its own so
  // that an unreachable Redis fails fast instead of retrying until the hard timeout.
  const setupDeadline = setTimeout(() => fail(new Error('setup did not finish within 120 s')), 120_000);
  const queues = await buildScenario(lib, scenarioNames(opts.cluster));
  const report = await settleAndReport(lib, queues, opts);
  clearTimeout(setupDeadline);
  if (shuttingDown) return;

  await writeStdout(JSON.stringify(report));
  await writeStdout('READY');
  ready = true;
  log('READY; waiting for stdin EOF or SIGTERM');
  if (stopRequested) shutdown('stdin closed', 0);
}

process.on('unhandledRejection', fail);
process.on('uncaughtException', fail);
main().catch(fail);

#!/usr/bin/env node
// Vigil end-to-end throughput driver.
//
// Usage: node throughput.mjs --redis redis://127.0.0.1:PORT[/db] --major 5|6 --queue NAME
//                            [--prefix bull] [--complete N] [--fail M] [--flaky R]
//                            [--timeout-seconds 600]
//        (defaults: N=20, M=4, R=3)
//
// Runs a deterministic burst of jobs through one BullMQ queue with a real Worker
// (concurrency 4) while Vigil is already watching, so that Vigil's counters
// (completed, failed, retried) and histograms can be compared with what the
// worker itself saw:
//   "ok"    N jobs, attempts 1, every second one with removeOnComplete: true;
//           complete on their first attempt.
//   "bad"   M jobs, attempts 3, backoff fixed 50 ms, every second one with
//           removeOnFail: true; always throw -> retried twice, then fail for good.
//   "flaky" R jobs, attempts 2, no backoff (immediate retry); throw on the first
//           attempt, complete on the second -> 1 retry each.
// Every job sleeps 20 + (k % 5) * 10 ms before it returns or throws (k = job.data.k).
//
// Once every job has finished for good (N + R 'completed' events and M final
// 'failed' events, within 60 s) it prints exactly one line of JSON to stdout:
//   {"major":5,"queue":"NAME","completed":N+R,"failed":M,"retries":2M+R,
//    "jobs":[{"id":"1","name":"ok","timestamp":..,"delay":0,"processedOn":..,"finishedOn":..},...]}
// (jobs = every completed job, in completion order, with the values of the Job
// object the worker's 'completed' event carried), then "READY". It then stays up
// (worker still connected, idle) until stdin reaches EOF or SIGTERM/SIGINT arrives,
// closes everything and exits 0. Failure: message on stderr, exit 1.

import net from 'node:net';
import process from 'node:process';

// Keep stdout clean: anything a library might print goes to stderr.
for (const m of ['log', 'info', 'debug']) {
  console[m] = (...args) => console.error(...args);
}
const writeStdout = (line) =>
  new Promise((resolve, reject) =>
    process.stdout.write(line + '\n', (err) => (err ? reject(err) : resolve())),
  );
const log = (...args) => console.error('[throughput]', ...args);

const FINISH_TIMEOUT_MS = 60_000;
const SETUP_TIMEOUT_MS = 60_000;
const SHUTDOWN_TIMEOUT_MS = 30_000;
const CONCURRENCY = 4;

// ---------------------------------------------------------------------------
// arguments

function parseArgs(argv) {
  const opts = { prefix: 'bull', complete: 20, fail: 4, flaky: 3, timeoutSeconds: 600 };
  const count = (arg, v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${arg} must be an integer >= 0, got ${v}`);
    return n;
  };
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
      case '--queue': opts.queue = next(); break;
      case '--complete': opts.complete = count(arg, next()); break;
      case '--fail': opts.fail = count(arg, next()); break;
      case '--flaky': opts.flaky = count(arg, next()); break;
      case '--timeout-seconds': opts.timeoutSeconds = Number(next()); break;
      default: throw new Error(`unknown argument ${arg}`);
    }
  }
  if (!opts.redis) throw new Error('--redis redis://host:port is required');
  if (![5, 6].includes(opts.major)) throw new Error('--major must be 5 or 6 (BullMQ only)');
  if (!opts.prefix) throw new Error('--prefix must not be empty');
  if (!opts.queue) throw new Error('--queue NAME is required');
  if (opts.queue.includes(':')) throw new Error('--queue must not contain ":" (BullMQ refuses it)');
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
    maxRetriesPerRequest: null, // required by BullMQ workers
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

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const errMsg = (err) => (err && err.message ? err.message : String(err));

// ---------------------------------------------------------------------------
// lifecycle

const toClose = []; // closers, run in reverse creation order (worker before queue)
let shuttingDown = false;
let ready = false;
let stopRequested = false;
let abortRun; // rejects the "wait until finished" promise on early shutdown

async function shutdown(reason, exitCode) {
  if (shuttingDown) return;
  shuttingDown = true;
  log(`shutting down (${reason})`);
  if (abortRun) abortRun(new Error(`aborted (${reason})`));
  const timer = setTimeout(() => {
    log(`shutdown did not finish within ${SHUTDOWN_TIMEOUT_MS} ms, exiting`);
    process.exit(1);
  }, SHUTDOWN_TIMEOUT_MS);
  for (const close of toClose.slice().reverse()) {
    try {
      await close();
    } catch (err) {
      log('closing:', errMsg(err));
    }
  }
  clearTimeout(timer);
  log(`bye (exit ${exitCode})`);
  process.exit(exitCode);
}

function fail(err) {
  if (shuttingDown) {
    log('(ignored during shutdown)', errMsg(err));
    return;
  }
  log('FAILED:', err && err.stack ? err.stack : err);
  shutdown('failure', 1);
}

// Stop only after READY: stdin at EOF before that (e.g. < /dev/null) just means
// "stop as soon as you are ready".
function requestStop(reason) {
  stopRequested = true;
  if (ready) shutdown(reason, 0);
  else log(`${reason} before READY; will stop once ready`);
}

// ---------------------------------------------------------------------------
// the run

// States in which a job still has work ahead of it; a fresh queue has none.
const PENDING_STATES = ['active', 'waiting', 'paused', 'delayed', 'prioritized', 'waiting-children'];

async function run(opts) {
  const redis = redisOptionsFromUrl(opts.redis);
  await checkReachable(redis);
  const { Queue, Worker } = await import(opts.major === 5 ? 'bullmq5' : 'bullmq6');
  log(`major ${opts.major}, prefix "${opts.prefix}", queue "${opts.queue}", ` +
      `redis ${redis.host}:${redis.port}/${redis.db}; ok=${opts.complete} bad=${opts.fail} flaky=${opts.flaky}`);

  const queue = new Queue(opts.queue, { connection: { ...redis }, prefix: opts.prefix });
  queue.on('error', (err) => log('queue error:', errMsg(err)));
  toClose.push(() => queue.close());
  await queue.waitUntilReady();

  // Leftovers from an earlier run would be processed too and spoil the counts.
  const before = await queue.getJobCounts(...PENDING_STATES);
  const pending = Object.entries(before).filter(([, n]) => n > 0);
  if (pending.length > 0) {
    throw new Error(`queue ${opts.prefix}:${opts.queue} already has unfinished jobs: ${JSON.stringify(before)}`);
  }
  if (await queue.isPaused()) throw new Error(`queue ${opts.prefix}:${opts.queue} is paused`);

  const expectCompleted = opts.complete + opts.flaky;
  const expectFailed = opts.fail;
  const completedJobs = [];
  let finalFailures = 0;
  let retries = 0;
  let unexpected = null;

  let resolveDone;
  const done = new Promise((resolve, reject) => {
    resolveDone = resolve;
    abortRun = reject;
  });
  const checkDone = () => {
    if (unexpected) abortRun(unexpected);
    else if (completedJobs.length === expectCompleted && finalFailures === expectFailed) resolveDone();
    else if (completedJobs.length > expectCompleted || finalFailures > expectFailed) {
      abortRun(new Error(`more jobs finished than expected: completed ${completedJobs.length}/${expectCompleted}, ` +
        `failed ${finalFailures}/${expectFailed}`));
    }
  };

  const processor = async (job) => {
    const k = job.data.k;
    await sleep(20 + (k % 5) * 10);
    switch (job.name) {
      case 'ok':
        return k;
      case 'bad':
        throw new Error(`intentional failure of bad job ${job.id} (attempt ${job.attemptsMade + 1})`);
      case 'flaky':
        if (job.attemptsMade === 0) throw new Error(`intentional first-attempt failure of flaky job ${job.id}`);
        return k;
      default:
        throw new Error(`unexpected job name ${job.name}`);
    }
  };

  const worker = new Worker(opts.queue, processor, {
    connection: { ...redis },
    prefix: opts.prefix,
    concurrency: CONCURRENCY,
  });
  worker.on('error', (err) => log('worker error:', errMsg(err)));
  worker.on('completed', (job) => {
    completedJobs.push({
      id: job.id,
      name: job.name,
      timestamp: job.timestamp,
      delay: job.delay ?? 0,
      processedOn: job.processedOn,
      finishedOn: job.finishedOn,
    });
    checkDone();
  });
  worker.on('failed', (job, err) => {
    if (!job) {
      unexpected = new Error(`'failed' event without a job: ${errMsg(err)}`);
    } else if (job.attemptsMade >= (job.opts.attempts ?? 1)) {
      finalFailures++;
      if (job.name !== 'bad') unexpected = new Error(`${job.name} job ${job.id} failed for good: ${errMsg(err)}`);
    } else {
      retries++;
    }
    checkDone();
  });
  worker.on('stalled', (jobId) => {
    unexpected = new Error(`job ${jobId} stalled; counts would not be deterministic`);
    checkDone();
  });
  toClose.push(() => worker.close());
  await worker.waitUntilReady();

  // Add the jobs. k numbers them across all kinds; it only drives the sleep time.
  let k = 0;
  for (let i = 0; i < opts.complete; i++) {
    await queue.add('ok', { k: k++ }, i % 2 === 1 ? { removeOnComplete: true } : {});
  }
  for (let i = 0; i < opts.fail; i++) {
    const o = { attempts: 3, backoff: { type: 'fixed', delay: 50 } };
    if (i % 2 === 1) o.removeOnFail = true;
    await queue.add('bad', { k: k++ }, o);
  }
  for (let i = 0; i < opts.flaky; i++) {
    await queue.add('flaky', { k: k++ }, { attempts: 2 });
  }
  log(`added ${k} jobs; waiting for ${expectCompleted} completed and ${expectFailed} failed`);

  checkDone(); // N = M = R = 0
  const timer = setTimeout(() => abortRun(new Error(
    `jobs did not finish within ${FINISH_TIMEOUT_MS} ms: completed ${completedJobs.length}/${expectCompleted}, ` +
    `failed ${finalFailures}/${expectFailed}, retries ${retries}`)), FINISH_TIMEOUT_MS);
  try {
    await done;
  } finally {
    clearTimeout(timer);
  }

  const expectRetries = 2 * opts.fail + opts.flaky;
  if (retries !== expectRetries) throw new Error(`expected ${expectRetries} retries, saw ${retries}`);
  // Nothing may be left behind (e.g. a retry still scheduled).
  const after = await queue.getJobCounts(...PENDING_STATES);
  if (Object.values(after).some((n) => n > 0)) {
    throw new Error(`jobs left unfinished: ${JSON.stringify(after)}`);
  }

  return {
    major: opts.major,
    queue: opts.queue,
    completed: completedJobs.length,
    failed: finalFailures,
    retries,
    jobs: completedJobs,
  };
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

  const setupTimer = setTimeout(
    () => fail(new Error(`run did not finish within ${(SETUP_TIMEOUT_MS + FINISH_TIMEOUT_MS) / 1000} s`)),
    SETUP_TIMEOUT_MS + FINISH_TIMEOUT_MS,
  );
  const report = await run(opts);
  clearTimeout(setupTimer);
  if (shuttingDown) return;

  await writeStdout(JSON.stringify(report));
  await writeStdout('READY');
  ready = true;
  log(`READY (completed ${report.completed}, failed ${report.failed}, retries ${report.retries}); ` +
      'waiting for stdin EOF or SIGTERM');
  if (stopRequested) shutdown('stdin closed', 0);
}

process.on('unhandledRejection', fail);
process.on('uncaughtException', fail);
main().catch(fail);

// Vigil's benchmark: every figure of docs/performance.md, each beside the peer measured in the same run.
// Run through bench/run.sh, which builds the jar and passes the options below.
//
//   node bench/bench.mjs --jar exporter/target/vigil-exporter.jar [--queues 1000,10000] [--repeats 3] [--seconds 15]
//
// Environment: REDIS_PORT (6479), VIGIL_PORT (9749), AUX_PORT (29750: a second Vigil; the peers take the next two),
// PG_PORT (55432), VIGIL_JAVA_OPTS (the JVM flags under test; default the README's).
// STEADY_AFTER_S (540): when, after its start, the second CPU-per-poll window (a minute long) begins.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, chmodSync, existsSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { cpuMs, rssMiB, sleep, start, msUntilOk, median } from './lib/proc.mjs';
import { load, PROMETHEUS_SCRAPE_HEADERS } from './lib/load.mjs';
import { fill, timeGetJobCounts } from './bullmq-poll.mjs';
import { text, pollStats, pollWindow, README_JAVA_OPTS, bullmqSourceYaml } from './lib/poll.mjs';

const require = createRequire(new URL('../e2e/bullmq/package.json', import.meta.url));
const IORedis = require('ioredis');

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const JAR = args.jar ?? 'exporter/target/vigil-exporter.jar';
const QUEUE_COUNTS = (args.queues ?? '1000,10000').split(',').map(Number).sort((a, b) => a - b);
const REPEATS = Number(args.repeats ?? 3);
const SECONDS = Number(args.seconds ?? 15);
const REDIS_PORT = Number(process.env.REDIS_PORT ?? 6479);
const VIGIL_PORT = Number(process.env.VIGIL_PORT ?? 9749);
// Away from the ports next to Vigil's, which other exporters on a shared machine tend to take.
const AUX_PORT = Number(process.env.AUX_PORT ?? VIGIL_PORT + 20001);
const REDIS_EXPORTER_PORT = AUX_PORT + 1;
const PG_EXPORTER_PORT = AUX_PORT + 2;
const PG_PORT = Number(process.env.PG_PORT ?? 55432);
const PG_DATABASES = 50;
const PEER_SCRAPE_MS = 250; // Vigil's INFO and PostgreSQL sources poll as often
const WARM_POLLS = 40;
const STEADY_AFTER_S = Number(process.env.STEADY_AFTER_S ?? 540);
const JAVA_OPTS = (process.env.VIGIL_JAVA_OPTS ?? README_JAVA_OPTS).split(/\s+/).filter(Boolean);
const REDIS_URL = `redis://127.0.0.1:${REDIS_PORT}`;
const BULLMQ_SOURCE = 'bullmq/main/bull';

const work = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
chmodSync(work, 0o755);
const running = [];
const rows = [];
const fmt = (x, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const ratio = (peer, vigil) => (Number.isFinite(peer) && Number.isFinite(vigil) && vigil > 0 ? `${(peer / vigil).toPrecision(2)}x` : 'n/a');

/** One row of the final table: what, Vigil's figure, the peer's figure, the peer/Vigil ratio. */
function row(what, vigil, peer = '', versus = '') {
  rows.push([what, vigil, peer, versus]);
  console.error(`  ${what}: ${vigil}${peer ? `  |  ${peer}  |  ${versus}` : ''}`);
}

async function section(name, fn) {
  console.error(`\n== ${name}`);
  try {
    await fn();
  } catch (e) {
    // A process that died (an out-of-memory error, say) explains the failure better than a closed socket.
    const dead = running.filter((p) => p.exited).map((p) => `${p.name} exited: ${p.log().trim().split('\n').slice(-1)[0]}`);
    row(`${name}: FAILED`, [String(e.message).split('\n')[0], ...dead].join('; '));
    console.error(e.stack);
  }
}

function launch(cmd, argv, opts) {
  const p = start(cmd, argv, opts);
  running.push(p);
  return p;
}

async function stop(p) {
  await p.stop();
  running.splice(running.indexOf(p), 1);
}

/**
 * The JVM flags for a Vigil that reads `queues` queues: the heap rule of docs/performance.md (96 MiB up to 1,000
 * queues, about 7 MiB more per further 1,000) applied to the default flags' -Xmx; VIGIL_JAVA_OPTS as given.
 */
function javaOpts(queues) {
  if (process.env.VIGIL_JAVA_OPTS || queues <= 1000) return JAVA_OPTS;
  const mib = 96 + Math.ceil(((queues - 1000) * 7) / 1000 / 16) * 16;
  return JAVA_OPTS.map((o) => (o === '-Xmx96m' ? `-Xmx${mib}m` : o));
}

function vigil(name, yaml, port, queues = 0) {
  const file = join(work, `${name}.yml`);
  writeFileSync(file, `server:\n  listen: 127.0.0.1:${port}\n${yaml}`);
  return launch('java', [...javaOpts(queues), '-jar', JAR, '--config', file], { log: `vigil ${name}` });
}

const bullmqYaml = (prefix = 'bull') => bullmqSourceYaml(REDIS_URL, prefix);

const seriesCount = (body) => body.split('\n').filter((l) => l && !l.startsWith('#')).length;

async function startToReady(yaml, queues = 0) {
  const samples = [];
  for (let i = 0; i < REPEATS; i++) {
    const p = vigil('ready', yaml, VIGIL_PORT, queues);
    samples.push(await msUntilOk(p, `http://127.0.0.1:${VIGIL_PORT}/readyz`));
    await stop(p);
  }
  return median(samples);
}

async function peerStartToReady(cmd, argv, url, env) {
  const samples = [];
  for (let i = 0; i < REPEATS; i++) {
    const p = launch(cmd, argv, { env });
    samples.push(await msUntilOk(p, url));
    await stop(p);
  }
  return median(samples);
}

async function queues(redis, count, previous, perCount) {
  await section(`${count} queues: fill`, async () => {
    const t0 = Date.now();
    await fill(REDIS_URL, previous, count);
    console.error(`  filled queues ${previous}..${count - 1} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  });
  const r = {};
  perCount[count] = r;
  await section(`${count} queues: BullMQ getJobCounts()`, async () => {
    const rounds = Math.max(REPEATS, 5);
    const t = await timeGetJobCounts(REDIS_URL, count, rounds);
    r.sequential = median(t.sequential);
    r.parallel = median(t.parallel);
  });
  let proc;
  let idle;
  await section(`${count} queues: Vigil start to ready`, async () => {
    r.readyMs = await startToReady(bullmqYaml(), count);
    proc = vigil(`bullmq-${count}`, bullmqYaml(), VIGIL_PORT, count);
    // Beside it from the same moment, a Vigil whose one source has no queues: what the JVM costs by itself.
    idle = vigil('idle', bullmqYaml('empty'), AUX_PORT);
    await msUntilOk(proc, `http://127.0.0.1:${VIGIL_PORT}/readyz`);
    await msUntilOk(idle, `http://127.0.0.1:${AUX_PORT}/readyz`);
  });
  if (!proc) return;
  await section(`${count} queues: poll`, async () => {
    const w = [];
    for (let i = 0; i < REPEATS; i++) w.push(await pollWindow(proc, VIGIL_PORT, BULLMQ_SOURCE, SECONDS, redis));
    r.pollMs = median(w.map((x) => x.pollMs));
    r.cpuPerPollMs = median(w.map((x) => x.cpuPerPollMs));
    r.cpuPerSecondMs = median(w.map((x) => x.cpuPerSecondMs));
    const last = w[w.length - 1].commands;
    r.commandsPerQueue = Object.values(last).reduce((a, b) => a + b, 0) / count;
    r.commandMix = Object.entries(last).sort((a, b) => b[1] - a[1]).map(([n, c]) => `${(c / count).toFixed(2)} ${n}`).join(', ');
    r.rssIdle = rssMiB(proc.pid);
  });
  await section(`${count} queues: CPU per poll once the JIT settled`, async () => {
    // At one poll a second the JIT takes minutes to compile the poll's code: the windows above are its first
    // minute, and 4 minutes in the optimizing compiler still took as much CPU as the poll (per-thread CPU from
    // /proc); by 9 minutes it is down to about a millisecond a second. This window starts STEADY_AFTER_S after
    // the start and lasts a minute, the idle Vigil measured in the same window, and ends before the first
    // re-discovery (discovery_interval: 10m), whose SCAN is not a poll's cost.
    const wait = STEADY_AFTER_S * 1000 - Number(process.hrtime.bigint() - proc.startedAt) / 1e6;
    if (wait > 0) await sleep(wait);
    const idle0 = cpuMs(idle.pid);
    const t0 = Date.now();
    const w = await pollWindow(proc, VIGIL_PORT, BULLMQ_SOURCE, Math.max(60, SECONDS * 2), null, 0);
    r.steadyCpuPerPollMs = w.cpuPerPollMs;
    r.steadyPollMs = w.pollMs;
    r.idleCpuPerSecondMs = (cpuMs(idle.pid) - idle0) / ((Date.now() - t0) / 1000);
    r.rssSteady = rssMiB(proc.pid);
    await stop(idle);
    idle = null;
  });
  if (idle) await stop(idle);
  await section(`${count} queues: /metrics under 8 scrapers`, async () => {
    r.series = seriesCount((await pollStats(VIGIL_PORT, BULLMQ_SOURCE)).body);
    const cpu0 = cpuMs(proc.pid);
    const l = await load(`http://127.0.0.1:${VIGIL_PORT}/metrics`, { clients: 8, seconds: SECONDS, request: { headers: PROMETHEUS_SCRAPE_HEADERS } });
    const cpu = cpuMs(proc.pid) - cpu0;
    r.scrape = l;
    // The polls go on meanwhile: their CPU, from the quiet window, is taken out.
    r.cpuPerScrapeMs = (cpu - (r.cpuPerSecondMs ?? 0) * l.elapsed) / l.requests;
    r.rssAfterBurst = rssMiB(proc.pid);
  });
  await stop(proc);
}

async function redisInfo(redis) {
  await section('Redis INFO: Vigil vs redis_exporter', async () => {
    const v = vigil('info', `redis:\n  main:\n    url: ${REDIS_URL}\ncache:\n  interval: 250ms\n  redis_info: [main]\n`, AUX_PORT);
    await msUntilOk(v, `http://127.0.0.1:${AUX_PORT}/readyz`);
    const exporter = launch('prometheus-redis-exporter', ['--redis.addr', REDIS_URL, '--web.listen-address', `127.0.0.1:${REDIS_EXPORTER_PORT}`]);
    const url = `http://127.0.0.1:${REDIS_EXPORTER_PORT}/metrics`;
    await msUntilOk(exporter, url);
    await text(url);
    // Side by side in one window: Vigil polls every 250 ms, redis_exporter is scraped every 250 ms. A poll
    // every second would leave Vigil's code interpreted for minutes: the JIT compiles what runs often.
    const { vWindows, eScrape, eCpu } = await sideBySide(exporter, url, v, 'redis/main');
    await stop(exporter);
    await stop(v);
    row('Redis INFO: poll time vs redis_exporter scrape', `${fmt(median(vWindows.map((w) => w.pollMs)))} ms`, `${fmt(median(eScrape))} ms`, ratio(median(eScrape), median(vWindows.map((w) => w.pollMs))));
    row('Redis INFO: CPU per poll (process CPU / polls, every 250 ms)', `${fmt(median(vWindows.map((w) => w.cpuPerPollMs)))} ms`, `${fmt(median(eCpu))} ms`, ratio(median(eCpu), median(vWindows.map((w) => w.cpuPerPollMs))));
    const ready = await peerStartToReady('prometheus-redis-exporter', ['--redis.addr', REDIS_URL, '--web.listen-address', `127.0.0.1:${REDIS_EXPORTER_PORT}`], url);
    row('redis_exporter start to first /metrics (for reference)', '', `${fmt(ready, 0)} ms`);
  });
}

/**
 * The peer exporter scraped every PEER_SCRAPE_MS while a Vigil polls, in the same windows (REPEATS of SECONDS):
 * Vigil's poll windows, and the peer's median scrape time and CPU per scrape per window. onScrape runs after
 * each scrape.
 */
async function sideBySide(exporter, url, v, source, onScrape = () => {}) {
  const vWindows = [];
  const eScrape = [];
  const eCpu = [];
  for (let i = 0; i < REPEATS; i++) {
    const scrapes = (async () => {
      const c0 = cpuMs(exporter.pid);
      const times = [];
      const end = Date.now() + SECONDS * 1000;
      while (Date.now() < end) {
        const t0 = process.hrtime.bigint();
        await text(url);
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
        onScrape();
        await sleep(PEER_SCRAPE_MS);
      }
      eScrape.push(median(times));
      eCpu.push((cpuMs(exporter.pid) - c0) / times.length);
    })();
    scrapes.catch(() => {});
    vWindows.push(await pollWindow(v, AUX_PORT, source, SECONDS, null, WARM_POLLS));
    await scrapes;
  }
  return { vWindows, eScrape, eCpu };
}

function pgCommand(cmd, argv) {
  // PostgreSQL refuses to run as root: run its programs as the postgres user when we are root.
  if (process.getuid() === 0) return ['runuser', ['-u', 'postgres', '--', cmd, ...argv]];
  return [cmd, argv];
}

async function postgres() {
  await section(`PostgreSQL (${PG_DATABASES} databases): Vigil vs postgres_exporter`, async () => {
    const bin = execFileSync('sh', ['-c', 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1']).toString().trim();
    const data = join(work, 'pg');
    mkdirSync(data, { mode: 0o700 });
    if (process.getuid() === 0) execFileSync('chown', ['postgres', data]);
    const [initdb, initArgs] = pgCommand(`${bin}/initdb`, ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync']);
    execFileSync(initdb, initArgs, { stdio: 'ignore' });
    const [pg, pgArgs] = pgCommand(`${bin}/postgres`, ['-D', data, '-p', String(PG_PORT), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${data}`, '-c', 'fsync=off']);
    const server = launch(pg, pgArgs, { log: 'postgres' });
    const psql = (sql, db = 'postgres') => execFileSync(`${bin}/psql`, ['-h', '127.0.0.1', '-p', String(PG_PORT), '-U', 'postgres', '-d', db, '-qAtc', sql]).toString();
    for (let i = 0; i < 100; i++) {
      try { psql('select 1'); break; } catch { await sleep(200); }
    }
    psql('create role vigil login in role pg_monitor; create role pgexporter login in role pg_monitor;');
    for (let i = 0; i < PG_DATABASES; i++) psql(`create database app${String(i).padStart(2, '0')}`);
    const databases = Number(psql('select count(*) from pg_database'));
    const v = vigil('postgres', `postgres:\n  bench:\n    url: jdbc:postgresql://127.0.0.1:${PG_PORT}/postgres\n    user: vigil\n    interval: 250ms\n`, AUX_PORT);
    await msUntilOk(v, `http://127.0.0.1:${AUX_PORT}/readyz`);
    const env = { DATA_SOURCE_NAME: `postgresql://pgexporter@127.0.0.1:${PG_PORT}/postgres?sslmode=disable` };
    const url = `http://127.0.0.1:${PG_EXPORTER_PORT}/metrics`;
    const exporter = launch('prometheus-postgres-exporter', ['--web.listen-address', `127.0.0.1:${PG_EXPORTER_PORT}`], { env });
    await msUntilOk(exporter, url);
    await text(url);
    let eConnections = 0;
    const { vWindows, eScrape, eCpu } = await sideBySide(exporter, url, v, 'postgres/bench', () => {
      eConnections = Math.max(eConnections, Number(psql("select count(*) from pg_stat_activity where usename = 'pgexporter'")));
    });
    const vConnections = Number(psql("select count(*) from pg_stat_activity where usename = 'vigil'"));
    await stop(exporter);
    await stop(v);
    const pollMs = median(vWindows.map((w) => w.pollMs));
    row(`PostgreSQL poll vs postgres_exporter scrape (${databases} databases)`, `${fmt(pollMs)} ms`, `${fmt(median(eScrape))} ms`, ratio(median(eScrape), pollMs));
    row('PostgreSQL CPU per poll', `${fmt(median(vWindows.map((w) => w.cpuPerPollMs)))} ms`, `${fmt(median(eCpu))} ms`, ratio(median(eCpu), median(vWindows.map((w) => w.cpuPerPollMs))));
    row('PostgreSQL connections held', `${vConnections}`, `${eConnections}`);
    await stop(server);
  });
}


async function main() {
  const redisServer = launch('redis-server', ['--port', String(REDIS_PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', work], { log: 'redis' });
  // ioredis retries the connection until redis-server listens; commands wait for it.
  const redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: null, retryStrategy: () => 50 });
  redis.on('error', () => {});
  await redis.ping();
  const redisVersion = (await redis.info('server')).match(/redis_version:(\S+)/)[1];
  console.error(`machine: ${cpus().length} cores, ${cpus()[0].model}; Redis ${redisVersion}; Node ${process.version}; ${execFileSync('sh', ['-c', 'java -version 2>&1 | head -1']).toString().trim()}`);
  console.error(`Vigil JVM flags: ${JAVA_OPTS.join(' ')}`);

  await section('start to ready, one source (BullMQ, no queues)', async () => {
    const ms = await startToReady(bullmqYaml('empty'));
    const peer = await peerStartToReady('prometheus-redis-exporter', ['--redis.addr', REDIS_URL, '--web.listen-address', `127.0.0.1:${REDIS_EXPORTER_PORT}`], `http://127.0.0.1:${REDIS_EXPORTER_PORT}/metrics`);
    row('start to ready, one source', `${fmt(ms, 0)} ms`, `redis_exporter ${fmt(peer, 0)} ms`, ratio(peer, ms));
  });

  const perCount = {};
  let filled = 0;
  for (const count of QUEUE_COUNTS) {
    await queues(redis, count, filled, perCount);
    filled = count;
    const r = perCount[count];
    const n = count.toLocaleString('en');
    row(`${n} queues: Vigil poll vs BullMQ getJobCounts() one after another`, `${fmt(r.pollMs)} ms`, `${fmt(r.sequential)} ms`, `${ratio(r.sequential, r.pollMs)} faster`);
    row(`${n} queues: Vigil poll vs BullMQ getJobCounts() all at once`, `${fmt(r.pollMs)} ms`, `${fmt(r.parallel)} ms`, `${ratio(r.parallel, r.pollMs)} faster`);
    row(`${n} queues: Vigil poll ${STEADY_AFTER_S} s after start vs getJobCounts() one after another / all at once`, `${fmt(r.steadyPollMs)} ms`, `${fmt(r.sequential)} / ${fmt(r.parallel)} ms`, `${ratio(r.sequential, r.steadyPollMs)} / ${ratio(r.parallel, r.steadyPollMs)} faster`);
    row(`${n} queues: Redis commands per queue per poll`, `${fmt(r.commandsPerQueue, 2)} (${r.commandMix ?? ''})`);
    row(`${n} queues: CPU per poll, first minute`, `${fmt(r.cpuPerPollMs)} ms`);
    row(`${n} queues: CPU per poll, ${STEADY_AFTER_S} s after start (idle Vigil beside it, same window: CPU per second)`, `${fmt(r.steadyCpuPerPollMs)} ms`, `idle ${fmt(r.idleCpuPerSecondMs)} ms/s`);
    row(`${n} queues: series on /metrics`, `${r.series ?? 'n/a'}`);
    if (r.scrape) {
      row(`${n} queues: /metrics, 8 scrapers`, `${fmt(r.scrape.perSecond, 0)} req/s, p50 ${fmt(r.scrape.p50)} ms, p99 ${fmt(r.scrape.p99)} ms, ${fmt(r.cpuPerScrapeMs, 2)} ms CPU/scrape, ${fmt(r.scrape.bytes / r.scrape.requests / 1024, 0)} KiB/answer`);
    }
    row(`${n} queues: resident memory (first minute / ${STEADY_AFTER_S} s / after the scrape burst)`, `${fmt(r.rssIdle, 0)} / ${fmt(r.rssSteady, 0)} / ${fmt(r.rssAfterBurst, 0)} MiB`);
    row(`${n} queues: start to ready`, `${fmt(r.readyMs, 0)} ms`);
    row(`${n} queues: heap cap`, javaOpts(count).find((o) => o.startsWith('-Xmx')) ?? 'JVM default');
  }
  if (QUEUE_COUNTS.length > 1) {
    const [a, b] = [QUEUE_COUNTS[0], QUEUE_COUNTS[QUEUE_COUNTS.length - 1]];
    const pa = perCount[a].pollMs;
    const pb = perCount[b].pollMs;
    row(`growth ${a.toLocaleString('en')} -> ${b.toLocaleString('en')} queues`, `poll x${fmt(pb / pa, 2)}, ${fmt(((pb - pa) * 1000) / (b - a), 1)} µs per extra queue`, `BullMQ sequential x${fmt(perCount[b].sequential / perCount[a].sequential, 2)}`);
  }

  await redisInfo(redis);
  await postgres();
  redis.disconnect();
  await stop(redisServer);
}

function printTable() {
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => String(r[c]).length), 4));
  const line = (r) => `| ${r.map((x, i) => String(x).padEnd(widths[i])).join(' | ')} |`;
  console.log(`\nmachine: ${cpus().length} cores, ${cpus()[0].model}; Vigil JVM flags: ${JAVA_OPTS.join(' ')}; medians of ${REPEATS} repeats, ${SECONDS} s windows`);
  console.log(line(['figure', 'Vigil', 'peer (same run)', 'peer / Vigil']));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  rows.forEach((r) => console.log(line(r)));
}

async function cleanup() {
  for (const p of [...running].reverse()) await p.stop();
  rmSync(work, { recursive: true, force: true });
}

process.on('SIGINT', async () => { await cleanup(); process.exit(130); });
try {
  if (!existsSync(JAR)) throw new Error(`${JAR} not found: run mvn -B -q package -DskipTests`);
  await main();
} finally {
  printTable();
  await cleanup();
}

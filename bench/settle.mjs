// How Vigil's CPU per poll settles over a long run: the JIT compiles code that runs once a poll (once a second)
// only after minutes, so bench.mjs's windows (the first minute, and one 9 minutes in) see code still being
// profiled. This starts one Vigil on N queues with the README's flags and, beside it from the same moment, one
// whose source has no queues (what the JVM costs by itself), then prints a line every few minutes until the end.
//
// Usage: node bench/settle.mjs [--queues 1000] [--minutes 90] [--every 5] [--window 60]
// Environment as bench.mjs: REDIS_PORT (6479), VIGIL_PORT (9749), AUX_PORT (29750), VIGIL_JAVA_OPTS.
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { cpuMs, rssMiB, sleep, start, msUntilOk } from './lib/proc.mjs';
import { pollStats, pollWindow, README_JAVA_OPTS, bullmqSourceYaml } from './lib/poll.mjs';
import { fill } from './bullmq-poll.mjs';

const require = createRequire(new URL('../e2e/bullmq/package.json', import.meta.url));
const IORedis = require('ioredis');

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const JAR = args.jar ?? 'exporter/target/vigil-exporter.jar';
const QUEUES = Number(args.queues ?? 1000);
const MINUTES = Number(args.minutes ?? 90);
const EVERY = Number(args.every ?? 5);
const WINDOW_S = Number(args.window ?? 60);
const REDIS_PORT = Number(process.env.REDIS_PORT ?? 6479);
const VIGIL_PORT = Number(process.env.VIGIL_PORT ?? 9749);
const AUX_PORT = Number(process.env.AUX_PORT ?? VIGIL_PORT + 20001);
const JAVA_OPTS = (process.env.VIGIL_JAVA_OPTS ?? README_JAVA_OPTS).split(/\s+/).filter(Boolean);
const REDIS_URL = `redis://127.0.0.1:${REDIS_PORT}`;
const SOURCE = 'bullmq/main/bull';

const work = mkdtempSync(join(tmpdir(), 'vigil-settle-'));
const procs = [];

function vigil(name, prefix, port) {
  const file = join(work, `${name}.yml`);
  writeFileSync(file, `server:\n  listen: 127.0.0.1:${port}\n${bullmqSourceYaml(REDIS_URL, prefix)}`);
  const p = start('java', [...JAVA_OPTS, '-jar', JAR, '--config', file], { log: `vigil ${name}` });
  procs.push(p);
  return p;
}

async function main() {
  procs.push(start('redis-server', ['--port', String(REDIS_PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', work], { log: 'redis' }));
  const redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: null, retryStrategy: () => 50 });
  redis.on('error', () => {});
  await redis.ping();
  await fill(REDIS_URL, 0, QUEUES);
  redis.disconnect();
  console.log(`Vigil JVM flags: ${JAVA_OPTS.join(' ')}`);
  const busy = vigil('busy', 'bull', VIGIL_PORT);
  const idle = vigil('idle', 'empty', AUX_PORT);
  const readyMs = await msUntilOk(busy, `http://127.0.0.1:${VIGIL_PORT}/readyz`);
  await msUntilOk(idle, `http://127.0.0.1:${AUX_PORT}/readyz`);
  console.log(`${QUEUES} queues, ready after ${readyMs.toFixed(0)} ms; a ${WINDOW_S} s window every ${EVERY} minutes for ${MINUTES} minutes`);
  console.log('minute | polls | poll ms | CPU per poll ms | idle Vigil CPU ms/s | RSS MiB (busy / idle)');
  const t0 = Date.now();
  // Windows start 2 minutes past each mark: with marks 5 minutes apart, none holds a re-discovery (every 10 minutes).
  for (let at = 2; at <= MINUTES; at += EVERY) {
    const wait = t0 + at * 60_000 - Date.now();
    if (wait > 0) await sleep(wait);
    const idle0 = cpuMs(idle.pid);
    const i0 = Date.now();
    const w = await pollWindow(busy, VIGIL_PORT, SOURCE, WINDOW_S, null, 0);
    const idleRate = (cpuMs(idle.pid) - idle0) / ((Date.now() - i0) / 1000);
    console.log(`${String(Math.round((i0 - t0) / 60_000)).padStart(6)} | ${String(w.polls).padStart(5)} | ${w.pollMs.toFixed(2).padStart(7)} | `
      + `${w.cpuPerPollMs.toFixed(2).padStart(15)} | ${idleRate.toFixed(2).padStart(19)} | ${rssMiB(busy.pid).toFixed(0)} / ${rssMiB(idle.pid).toFixed(0)}`);
  }
  // The source must have polled all along: a window of no polls would print NaN above, this says why.
  const last = await pollStats(VIGIL_PORT, SOURCE);
  console.log(`polls in all: ${last.count}`);
}

try {
  await main();
} finally {
  for (const p of procs.reverse()) await p.stop();
  rmSync(work, { recursive: true, force: true });
}

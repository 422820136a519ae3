// Benchmark: the cost of reading every queue's counts, Vigil's poll against BullMQ's own getJobCounts().
//
// Usage: node bench/bullmq-poll.mjs --phase fill|measure --redis redis://127.0.0.1:PORT [--vigil URL] [--queues 1000]
// (bench/run.sh runs both phases around starting Vigil.) "fill" makes N queues with jobs in several states;
// "measure" times BullMQ 5's getJobCounts() over all of them (one queue after another, and all at once)
// and reads Vigil's own poll duration histogram for the same queues. Prints one line per figure.
import { createRequire } from 'node:module';
import process from 'node:process';

const require = createRequire(new URL('../e2e/bullmq/package.json', import.meta.url));
const { Queue } = require('bullmq5');

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const redisUrl = new URL(args.redis);
const connection = { host: redisUrl.hostname, port: Number(redisUrl.port) };
const count = Number(args.queues ?? 1000);
const rounds = 5;

function open() {
  return Array.from({ length: count }, (_, i) => new Queue(`bench-${String(i).padStart(5, '0')}`, { connection }));
}

async function fill(queues) {
  for (const q of queues) {
    await q.addBulk([
      { name: 'a', data: {} }, { name: 'b', data: {} },
      { name: 'c', data: {}, opts: { delay: 3_600_000 } },
      { name: 'd', data: {}, opts: { priority: 3 } },
    ]);
  }
}

async function time(label, fn) {
  const samples = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)];
  console.log(`${label}: median ${median.toFixed(1)} ms over ${rounds} rounds (min ${samples[0].toFixed(1)}, max ${samples[samples.length - 1].toFixed(1)})`);
  return median;
}

async function vigilPollMs() {
  // Wait for polls that saw every queue, then take the mean of the next few.
  const read = async () => {
    const text = await (await fetch(`${args.vigil}/metrics`)).text();
    const pick = (name) => Number((text.match(new RegExp(`^${name}\\{source="bullmq/main/bull"\\} (\\S+)`, 'm')) ?? [])[1] ?? NaN);
    const queues = (text.match(/^bullmq_queue_paused\{/gm) ?? []).length;
    return { sum: pick('vigil_source_poll_duration_seconds_sum'), n: pick('vigil_source_poll_duration_seconds_count'), queues };
  };
  let start = await read();
  while (start.queues < count) {
    await new Promise((r) => setTimeout(r, 500));
    start = await read();
  }
  await new Promise((r) => setTimeout(r, 12_000));
  const end = await read();
  return { ms: ((end.sum - start.sum) / (end.n - start.n)) * 1000, polls: end.n - start.n };
}

const queues = open();
if (args.phase === 'fill') {
  await fill(queues);
  console.log(`queues: ${count}, each with 2 waiting, 1 delayed, 1 prioritized job`);
  await Promise.all(queues.map((q) => q.close()));
  process.exit(0);
}
const sequential = await time('BullMQ 5 getJobCounts(), one queue after another', async () => {
  for (const q of queues) await q.getJobCounts();
});
const parallel = await time('BullMQ 5 getJobCounts(), all queues at once (ioredis pipelines)', async () => {
  await Promise.all(queues.map((q) => q.getJobCounts()));
});
const vigil = await vigilPollMs();
console.log(`Vigil poll of the same queues (counts, paused, oldest age, workers, events): mean ${vigil.ms.toFixed(1)} ms over ${vigil.polls} polls`);
console.log(`ratio: BullMQ sequential / Vigil = ${(sequential / vigil.ms).toFixed(1)}x, BullMQ all-at-once / Vigil = ${(parallel / vigil.ms).toFixed(1)}x`);
await Promise.all(queues.map((q) => q.close()));

// Churn driver for Vigil's change-driven polling test: each line "round" on stdin runs one round of real
// BullMQ work on a few queues (add, complete, fail, delay, prioritize, remove, clean), lets every worker
// finish and close, then prints one JSON line of getJobCounts() per queue, taken while nothing moves.
// Usage: node churn.mjs --redis redis://127.0.0.1:PORT --major 5|6
import process from 'node:process';
import readline from 'node:readline';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const args = Object.fromEntries(process.argv.slice(2).reduce((a, v, i, all) => (i % 2 ? a : [...a, [v.slice(2), all[i + 1]]]), []));
const { Queue, Worker } = require(`bullmq${args.major}`);
const url = new URL(args.redis);
const connection = { host: url.hostname, port: Number(url.port) };
const names = ['churn-a', 'churn-b', 'churn-c'];
const queues = names.map((n) => new Queue(n, { connection }));
let round = 0;

async function runRound() {
  round++;
  for (const [i, q] of queues.entries()) {
    const jobs = [];
    for (let j = 0; j < 3 + ((round + i) % 4); j++) {
      jobs.push({ name: 'ok', data: { fail: false } });
    }
    jobs.push({ name: 'bad', data: { fail: true }, opts: { attempts: 1 } });
    jobs.push({ name: 'later', data: {}, opts: { delay: 3_600_000 } });
    await q.addBulk(jobs);
    const expected = jobs.length - 1; // all but the delayed one finish
    let finished = 0;
    let done;
    const allFinished = new Promise((r) => { done = r; });
    const worker = new Worker(q.name, async (job) => {
      if (job.data.fail) throw new Error('boom');
      return 'ok';
    }, { connection, concurrency: 2 });
    const count = () => { if (++finished === expected) done(); };
    worker.on('completed', count);
    worker.on('failed', count);
    await allFinished;
    await worker.close();
    // After the worker: jobs that stay waiting, prioritized and delayed, and removals.
    await q.add('waits', {});
    await q.add('urgent', {}, { priority: 1 + round });
    const delayed = await q.getDelayed(0, 0);
    if (round % 2 === 0 && delayed.length > 0) await delayed[0].remove();
    if (round % 3 === 0) await q.clean(0, 2, 'completed');
    if (round % 4 === 0) await q.clean(0, 1, 'failed');
  }
  const counts = {};
  for (const q of queues) counts[q.name] = await q.getJobCounts();
  process.stdout.write(JSON.stringify({ round, counts }) + '\n');
}

process.stdout.write(JSON.stringify({ queues: names }) + '\nREADY\n');
const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line.trim() === 'round') await runRound();
}
await Promise.all(queues.map((q) => q.close()));
process.exit(0);

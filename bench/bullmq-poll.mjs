// The BullMQ side of the benchmark: fills N queues with jobs in several states, and times BullMQ 5's own
// getJobCounts() over all of them, one queue after another and all at once. Used by bench/bench.mjs.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../e2e/bullmq/package.json', import.meta.url));
const { Queue } = require('bullmq5');
const IORedis = require('ioredis');

export const queueName = (i) => `bench-${String(i).padStart(5, '0')}`;

// One shared connection, as an application holding many queues does (one connection per queue would
// exceed Redis' default 10,000 clients at 10,000 queues); its commands are written back to back.
function connect(redisUrl) {
  return new IORedis(redisUrl, { maxRetriesPerRequest: null, enableAutoPipelining: false });
}

/** Makes queues from..to-1, each with 2 waiting, 1 delayed and 1 prioritized job. */
export async function fill(redisUrl, from, to) {
  const connection = connect(redisUrl);
  const batch = 50;
  for (let i = from; i < to; i += batch) {
    await Promise.all(Array.from({ length: Math.min(batch, to - i) }, async (_, k) => {
      const q = new Queue(queueName(i + k), { connection });
      await q.addBulk([
        { name: 'a', data: {} }, { name: 'b', data: {} },
        { name: 'c', data: {}, opts: { delay: 3_600_000 } },
        { name: 'd', data: {}, opts: { priority: 3 } },
      ]);
      await q.close();
    }));
  }
  connection.disconnect();
}

/** Median ms of `rounds` timings of getJobCounts() over queues 0..count-1, sequential and all at once. */
export async function timeGetJobCounts(redisUrl, count, rounds) {
  const connection = connect(redisUrl);
  const queues = Array.from({ length: count }, (_, i) => new Queue(queueName(i), { connection }));
  const time = async (fn) => {
    const samples = [];
    for (let r = 0; r < rounds; r++) {
      const t0 = process.hrtime.bigint();
      await fn();
      samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    return samples;
  };
  await Promise.all(queues.map((q) => q.getJobCounts())); // warm the scripts and the connection
  const sequential = await time(async () => {
    for (const q of queues) await q.getJobCounts();
  });
  const parallel = await time(() => Promise.all(queues.map((q) => q.getJobCounts())));
  await Promise.all(queues.map((q) => q.close()));
  connection.disconnect();
  return { sequential, parallel };
}

// What the benchmark reads from a running Vigil: its own poll-duration counters, and CPU over a window of polls.
import { cpuMs, sleep } from './proc.mjs';

/** The README's JVM flags (the class-data archive as the build records it). */
export const README_JAVA_OPTS = '-XX:SharedArchiveFile=exporter/target/vigil.jsa -XX:+UseSerialGC -Xms16m -Xmx96m -Xss512k -XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=80m -XX:TrimNativeHeapInterval=5000 -XX:-UsePerfData -XX:+UnlockDiagnosticVMOptions -XX:AsyncDeflationInterval=0 -XX:GuaranteedSafepointInterval=0';

/** One Redis named main and one BullMQ source on it: a poll a second, re-discovery every 10 minutes. */
export const bullmqSourceYaml = (redisUrl, prefix = 'bull') =>
  `redis:\n  main:\n    url: ${redisUrl}\nbullmq:\n  - redis: main\n    prefix: ${prefix}\n    interval: 1s\n    discovery_interval: 10m\n    max_queues: 100000\n`;

export async function text(url) {
  return (await fetch(url, { signal: AbortSignal.timeout(60_000) })).text();
}

/** The poll-duration count and sum of one source, from Vigil's own metrics. */
export async function pollStats(port, source) {
  const body = await text(`http://127.0.0.1:${port}/metrics`);
  const pick = (suffix) => {
    const m = body.match(new RegExp(`^vigil_source_poll_duration_seconds_${suffix}\\{[^}]*source="${source.replace(/[/.]/g, '\\$&')}"[^}]*\\} (\\S+)`, 'm'));
    return m ? Number(m[1]) : NaN;
  };
  return { count: pick('count'), sum: pick('sum'), body };
}

async function waitPolls(port, source, polls) {
  const first = await pollStats(port, source);
  if (!Number.isFinite(first.count)) throw new Error(`no vigil_source_poll_duration_seconds_count for source ${source}`);
  for (;;) {
    const now = await pollStats(port, source);
    if (now.count - first.count >= polls) return now;
    await sleep(200);
  }
}

/** The poll count as soon as a poll has just ended: Redis is then idle until the next one starts. */
async function justAfterPoll(port, source) {
  const before = await pollStats(port, source);
  for (;;) {
    await sleep(100);
    const now = await pollStats(port, source);
    if (now.count > before.count) return now;
  }
}

/** Over a quiet window: polls, mean poll time, CPU per poll, and (given Redis) commands per poll by name. */
export async function pollWindow(proc, port, source, seconds, redis, warmPolls = 3) {
  await waitPolls(port, source, warmPolls); // past the first polls and the JIT's first work
  // Both ends are taken just after a poll, so no poll's commands straddle them.
  const s0 = redis ? await justAfterPoll(port, source) : await pollStats(port, source);
  const cmd0 = redis ? await commandStats(redis) : null;
  const cpu0 = cpuMs(proc.pid);
  await sleep(seconds * 1000);
  const cpu1 = cpuMs(proc.pid);
  const s1 = redis ? await justAfterPoll(port, source) : await pollStats(port, source);
  const cmd1 = redis ? await commandStats(redis) : null;
  const polls = s1.count - s0.count;
  const commands = {};
  if (redis) {
    for (const [name, calls] of Object.entries(cmd1)) {
      const d = calls - (cmd0[name] ?? 0);
      if (d > 0 && name !== 'info') commands[name] = d / polls;
    }
  }
  return { polls, pollMs: ((s1.sum - s0.sum) / polls) * 1000, cpuPerPollMs: (cpu1 - cpu0) / polls, cpuPerSecondMs: (cpu1 - cpu0) / seconds, commands };
}

async function commandStats(redis) {
  const info = await redis.info('commandstats');
  const out = {};
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out[m[1]] = Number(m[2]);
  return out;
}


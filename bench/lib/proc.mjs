// Processes the benchmark starts and what it reads about them from /proc: CPU time, resident memory, readiness.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU time (user + system) the process has used so far, in ms. */
export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/** Resident memory in MiB (VmRSS). */
export function rssMiB(pid) {
  const kb = Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+)/m)[1]);
  return kb / 1024;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts a process with its output in a log file; the returned object stops it. */
export function start(cmd, args, { log, env } = {}) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const lines = [];
  const keep = (d) => {
    lines.push(d.toString());
    if (lines.length > 200) lines.shift();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const startedAt = process.hrtime.bigint();
  let exited = false;
  const exit = new Promise((r) => child.on('exit', (code) => { exited = true; r(code); }));
  // A program that is not installed (ENOENT) emits 'error' and no 'exit': it counts as exited, with the reason
  // in its log, so that the step using it fails as a row of the table instead of ending the benchmark.
  child.on('error', (e) => {
    keep(`cannot start ${cmd}: ${e.message}\n`);
    exited = true;
  });
  return {
    pid: child.pid,
    startedAt,
    log: () => lines.join(''),
    get exited() { return exited; },
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        await Promise.race([exit, sleep(15_000)]);
        if (!exited) child.kill('SIGKILL');
      }
    },
    name: log ?? cmd,
  };
}

/** Milliseconds from the process' start until `url` answers 200; fails after `timeoutMs`. */
export async function msUntilOk(proc, url, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exited) throw new Error(`${proc.name} exited before ${url} was ready:\n${proc.log().slice(-2000)}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200) return Number(process.hrtime.bigint() - proc.startedAt) / 1e6;
    } catch {
      // not listening yet
    }
    await sleep(5);
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms:\n${proc.log().slice(-2000)}`);
}

export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

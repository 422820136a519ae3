// Benchmark: /metrics under concurrent scrapers, as several Prometheus servers (or one with many targets
// pointing at the same Vigil) would hit it.
//
// Usage: node bench/scrape-load.mjs --vigil http://127.0.0.1:PORT [--pid PID] [--scrapers 8] [--seconds 10]
//                                   [--format openmetrics|text|protobuf] [--label NAME]
// Each scraper sends one request after another on its own keep-alive connection, with the Accept header
// Prometheus sends for the format and Accept-Encoding: gzip, and reads the body without decompressing it
// (that is the scraper's cost, not Vigil's). Prints requests per second, latency percentiles and, given
// Vigil's pid, the CPU time Vigil spent per scrape (from /proc/PID/stat, so it includes its own polls).
import http from 'node:http';
import fs from 'node:fs';
import process from 'node:process';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const url = new URL('/metrics', args.vigil);
const scrapers = Number(args.scrapers ?? 8);
const seconds = Number(args.seconds ?? 10);
const accept = {
  // Prometheus 2.x and 3.x defaults; protobuf is what a Prometheus with native histograms asks for first.
  openmetrics: 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
  text: 'text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
  protobuf: 'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,application/openmetrics-text;version=1.0.0;q=0.8,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
}[args.format ?? 'openmetrics'];

function cpuSeconds(pid) {
  // Fields 14 and 15 of /proc/PID/stat: user and system time in clock ticks (100 per second on Linux).
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function scrape(agent) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.get(url, { agent, headers: { Accept: accept, 'Accept-Encoding': 'gzip' } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk) => { bytes += chunk.length; });
      res.on('end', () => (res.statusCode === 200
        ? resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, bytes })
        : reject(new Error(`/metrics answered ${res.statusCode}`))));
    });
    req.on('error', reject);
  });
}

async function scraper(until, samples) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let bytes = 0;
  while (Date.now() < until) {
    const r = await scrape(agent);
    samples.push(r.ms);
    bytes = r.bytes;
  }
  agent.destroy();
  return bytes;
}

await scrape(new http.Agent()); // the first scrape after start renders what later ones reuse
const samples = [];
const cpu0 = args.pid ? cpuSeconds(args.pid) : 0;
const t0 = Date.now();
const sizes = await Promise.all(Array.from({ length: scrapers }, () => scraper(t0 + seconds * 1000, samples)));
const elapsed = (Date.now() - t0) / 1000;
const cpu = args.pid ? cpuSeconds(args.pid) - cpu0 : NaN;
samples.sort((a, b) => a - b);
const pct = (p) => samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))].toFixed(1);
const label = args.label ? `${args.label}: ` : '';
console.log(`${label}${scrapers} scrapers, ${args.format ?? 'openmetrics'}+gzip (${(sizes[0] / 1024).toFixed(0)} KiB): `
  + `${(samples.length / elapsed).toFixed(0)} req/s, p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${samples[samples.length - 1].toFixed(1)} ms`
  + (args.pid ? `, Vigil CPU ${((cpu * 1000) / samples.length).toFixed(2)} ms per scrape (${(cpu / elapsed * 100).toFixed(0)}% of a core)` : ''));

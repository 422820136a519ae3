// A small closed-loop HTTP load generator: `clients` connections kept alive, each sending its next request
// as soon as the previous answer has been read, for `seconds`. Counts requests and keeps every latency.
import http from 'node:http';

// What Prometheus 2.42 sends when it scrapes.
export const PROMETHEUS_SCRAPE_HEADERS = {
  Accept: 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
  'Accept-Encoding': 'gzip',
};

function once(agent, url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { agent, method, headers }, (res) => {
      let bytes = 0;
      res.on('data', (d) => { bytes += d.length; });
      res.on('end', () => resolve({ status: res.statusCode, bytes }));
      res.on('error', reject);
    });
    req.on('error', reject);
    // An exporter that no longer answers ends the run with an error instead of hanging it.
    req.setTimeout(60_000, () => req.destroy(new Error(`no answer from ${url} within 60 s`)));
    req.end(body);
  });
}

/** Returns {requests, perSecond, p50, p99, bytes, failures} with latencies in ms. */
export async function load(url, { clients = 8, seconds = 10, request = {}, expect = 200 } = {}) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const latencies = [];
  let failures = 0;
  let bytes = 0;
  const t0 = process.hrtime.bigint();
  const end = t0 + BigInt(Math.round(seconds * 1e9));
  await Promise.all(Array.from({ length: clients }, async () => {
    while (process.hrtime.bigint() < end) {
      const s = process.hrtime.bigint();
      const res = await once(agent, url, request);
      latencies.push(Number(process.hrtime.bigint() - s) / 1e6);
      bytes += res.bytes;
      if (res.status !== expect) failures++;
    }
  }));
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { requests: latencies.length, perSecond: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), bytes, failures, elapsed };
}

// Captures the OTLP/HTTP protobuf body that OpenLLMetry's Node SDK sends for an OpenAI chat call made against a local
// stand-in of the OpenAI API. Writes traces-<n>.pb and prints what it sent.
import http from 'node:http';
import fs from 'node:fs';
import * as traceloop from '@traceloop/node-server-sdk';
import OpenAI from 'openai';

function listen(handler) {
  return new Promise((resolve) => {
    const server = http.createServer(handler);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

const openaiStandIn = await listen((req, res) => {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    const request = JSON.parse(body);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({
      id: 'chatcmpl-standin-1', object: 'chat.completion', created: 1764936000, model: 'gpt-4o-mini-2024-07-18',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Paris.' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1200, completion_tokens: 300, total_tokens: 1500, prompt_tokens_details: { cached_tokens: 200 } },
      requestedModel: request.model,
    }));
  });
});

const captured = [];
const collector = await listen((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    captured.push({ path: req.url, headers: req.headers, body: Buffer.concat(chunks) });
    res.writeHead(200, { 'content-type': 'application/x-protobuf' });
    res.end();
  });
});

traceloop.initialize({
  appName: 'capture-app',
  baseUrl: `http://127.0.0.1:${collector.address().port}`,
  apiKey: 'not-used',
  disableBatch: true,
  traceContent: false,
  instrumentModules: { openAI: OpenAI },
});

const client = new OpenAI({ apiKey: 'sk-standin', baseURL: `http://127.0.0.1:${openaiStandIn.address().port}/v1` });
for (let i = 0; i < 2; i++) {
  const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Capital of France?' }] });
  console.log('answer', r.choices[0].message.content, JSON.stringify(r.usage));
}
await traceloop.forceFlush();
await new Promise((r) => setTimeout(r, 500));
captured.forEach((c, i) => {
  fs.writeFileSync(`traces-${i}.pb`, c.body);
  console.log(c.path, c.headers['content-type'], c.headers['content-encoding'] ?? 'identity', c.body.length, 'bytes');
});
openaiStandIn.close();
collector.close();
process.exit(0);

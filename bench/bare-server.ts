import express from 'express';
import { readFileSync } from 'node:fs';

/**
 * The baseline: bare Express 5 serving the same bytes as Onramp's step page, and a route that parses
 * the same JSON body as the progress write and answers a body of the same shape.
 */
const html = readFileSync(process.argv[2]!, 'utf8');
const app = express();
app.get('/page', (_req, res) => {
  res.type('html').send(html);
});
app.put('/json/:workshop/:step', express.json({ limit: '64kb' }), (req, res) => {
  res.json({ workshop: req.params.workshop, step: req.params.step, done: req.body.done === true, progress: { done: 1, total: 23, percent: 4 } });
});
const server = app.listen(0, '127.0.0.1', () => {
  const addr = server.address() as { port: number };
  console.log(`bare ready at http://127.0.0.1:${addr.port}`);
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp, type TestApp } from './app.ts';

export interface ListeningApp {
  t: TestApp;
  base: string;
  server: http.Server;
  close: () => Promise<void>;
}

/**
 * The real app listening on 127.0.0.1, whose BASE_URL is its own address (pages that print the
 * site's address, like the terminal one-liner, then print one that works).
 */
export async function listeningApp(env: Record<string, string> = {}): Promise<ListeningApp> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const t = await buildApp({ BASE_URL: base, ...env });
  server.on('request', t.app);
  return {
    t,
    base,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await t.close();
    },
  };
}

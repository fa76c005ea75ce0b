/**
 * `https://gateway.test` for tests of company networks: a TLS front on loopback, its certificate
 * for gateway.test signed by a stand-in company CA (test/fixtures/tls/README.md) and sent with that
 * CA in the chain (what a TLS-inspecting proxy shows), passing every request on to a plain-http
 * test server. Reach it through startRecordingProxy({ forward: { 'gateway.test': front.address } }).
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'tls');
/** The stand-in company CA (PEM path and text) that signed the TLS front's certificate. */
export const CORP_CA_PATH = join(fixtures, 'corp-ca.pem');
export const CORP_CA = readFileSync(CORP_CA_PATH, 'utf8');

/**
 * `https://gateway.test` in front of a plain-http test server on loopback: TLS with a certificate
 * for gateway.test signed by the stand-in company CA, sent with that CA in the chain (what a
 * TLS-inspecting proxy shows). Reach it through a forward proxy whose `hosts` map gateway.test
 * to `address`.
 */
export async function startTlsFront(targetPort: number): Promise<{ port: number; address: string; close(): Promise<void> }> {
  const cert = readFileSync(join(fixtures, 'corp-gateway-cert.pem'), 'utf8') + CORP_CA;
  const key = readFileSync(join(fixtures, 'corp-gateway-key.pem'), 'utf8');
  const server = createHttpsServer({ cert, key }, (req, res) => {
    const upstream = httpRequest({ host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', (error) => res.writeHead(502).end(`${error.message}\n`));
    req.pipe(upstream);
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', () => ready()));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    address: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** A local HTTP server for download tests: serves in-memory files on 127.0.0.1 only. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FixtureServerOptions {
  /** Cut the connection after this many body bytes on the first request for each file. */
  cutAfter?: number;
  /** Ignore Range headers (always answer 200 with the whole file). */
  noRange?: boolean;
  /** Send this many body bytes, then go quiet with the connection open (first request only). */
  stallAfter?: number;
  /** Go quiet on every request, never finishing a body. */
  stallAlways?: boolean;
  /** Accept connections but never answer. */
  noResponse?: boolean;
  /** Leave out Content-Length (the body just streams). */
  noLength?: boolean;
}

export interface FixtureServer {
  readonly baseUrl: string;
  /** Range header (or '') of every request, in order, keyed by path. */
  readonly requests: { path: string; range: string }[];
  close(): Promise<void>;
}

export async function serveFiles(
  files: Map<string, Uint8Array>,
  options: FixtureServerOptions = {},
): Promise<FixtureServer> {
  const requests: { path: string; range: string }[] = [];
  const cut = new Set<string>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = decodeURIComponent((req.url ?? '/').slice(1));
    const range = req.headers.range ?? '';
    requests.push({ path, range });
    if (options.noResponse) return;
    const body = files.get(path);
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    let start = 0;
    const m = /^bytes=(\d+)-$/.exec(range);
    if (m !== null && !options.noRange) {
      start = Number(m[1]);
      if (start >= body.length) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, {
        'content-length': body.length - start,
        'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
      });
    } else {
      res.writeHead(200, options.noLength ? {} : { 'content-length': body.length });
    }
    const rest = body.subarray(start);
    if (options.stallAlways || (options.stallAfter !== undefined && !cut.has(path))) {
      cut.add(path);
      res.write(rest.subarray(0, options.stallAfter ?? 100));
      return;
    }
    if (options.cutAfter !== undefined && !cut.has(path)) {
      cut.add(path);
      res.write(rest.subarray(0, options.cutAfter), () => {
        // A graceful FIN (not a reset, which may discard bytes in flight) mid-body.
        setTimeout(() => res.socket?.end(), 20);
      });
      return;
    }
    res.end(rest);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

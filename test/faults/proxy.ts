import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';

/**
 * A loopback HTTP(S) proxy between gwctl and a real Caddy admin API that misbehaves on request.
 * It listens on 127.0.0.1 only and forwards only to the one upstream it was given (also on
 * 127.0.0.1), rewriting Host so Caddy's admin endpoint accepts it, and passing HTTP trailers
 * through (Caddy sends its config ETag as one).
 *
 * Every request is recorded (method, URL, headers, body, time) before the fault decides what
 * happens to it; `fault` is asked per request with the request and its 1-based number:
 * - `pass` forward it;
 * - `status` answer it here with that status, never forwarding;
 * - `reset` RST the client connection, `before` forwarding or `after` Caddy answered;
 * - `delay` hold it `before` forwarding or hold Caddy's answer (`after`); a request whose client
 *   gave up while held `before` is never forwarded (as a real proxy would drop it);
 * - `hang` never answer (the client's timeout decides);
 * - `truncate` forward, then send Caddy's status and half its body and cut the connection;
 * - `echo` answer `status` with `{"error": <the request body, or its headers>}` (a gateway whose
 *   error messages repeat what it got: secrets in them must not reach gwctl's output);
 * - `hook` run `run()` (e.g. SIGKILL Caddy) `before` forwarding or `after` Caddy answered, then
 *   carry on: a dead upstream turns into a reset client connection.
 */

export type Fault =
  | { kind: 'pass' }
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  | { kind: 'reset'; when: 'before' | 'after' }
  | { kind: 'delay'; ms: number; when: 'before' | 'after' }
  | { kind: 'hang' }
  | { kind: 'truncate' }
  | { kind: 'echo'; status: number; of?: 'body' | 'headers' }
  | { kind: 'hook'; when: 'before' | 'after'; run: () => Promise<void> };

export interface SeenRequest {
  /** 1-based, in arrival order */
  n: number;
  method: string;
  /** path and query as the client sent it */
  url: string;
  headers: http.IncomingHttpHeaders;
  /** raw header lines as sent, names and values */
  rawHeaders: string[];
  body: string;
  /** ms since the proxy started */
  at: number;
  /** what the proxy did: the fault's kind, and whether the request reached Caddy */
  fault: Fault['kind'];
  forwarded: boolean;
}

export type FaultRule = (request: SeenRequest) => Fault;

export interface FaultProxy {
  /** base URL gwctl talks to: http(s)://127.0.0.1:PORT */
  url: string;
  port: number;
  seen: SeenRequest[];
  /** replaces the rule (default: pass everything) */
  setFault(rule: FaultRule): void;
  /** forgets the requests seen so far and passes everything again */
  reset(): void;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);
const pass: FaultRule = () => ({ kind: 'pass' });

export async function startFaultProxy(options: { upstream: string; tls?: { key: string; cert: string } }): Promise<FaultProxy> {
  const upstream = new URL(options.upstream);
  if (upstream.hostname !== '127.0.0.1') throw new Error(`the fault proxy forwards to 127.0.0.1 only, not ${upstream.hostname}`);
  const agent = new http.Agent({ keepAlive: false });
  const started = performance.now();
  const seen: SeenRequest[] = [];
  let rule: FaultRule = pass;
  const timers = new Set<NodeJS.Timeout>();

  const wait = (ms: number) => new Promise<void>((resolve) => {
    const timer = setTimeout(() => { timers.delete(timer); resolve(); }, ms);
    timers.add(timer);
  });

  interface Answer { status: number; headers: http.IncomingHttpHeaders; body: Buffer; trailers: Record<string, string> }

  const forward = (req: http.IncomingMessage, body: Buffer): Promise<Answer> => new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
    headers.host = upstream.host;
    headers['content-length'] = String(body.length);
    const out = http.request({
      host: '127.0.0.1', port: Number(upstream.port), method: req.method, path: req.url, headers, agent,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        const trailers: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.trailers)) if (typeof value === 'string') trailers[name] = value;
        resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks), trailers });
      });
      res.on('error', reject);
    });
    out.setTimeout(10_000, () => out.destroy(new Error('upstream timeout')));
    out.on('error', reject);
    out.end(body);
  });

  const reply = (res: http.ServerResponse, answer: Answer) => {
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(answer.headers)) if (!HOP_BY_HOP.has(name) && name !== 'content-length' && value !== undefined) headers[name] = value;
    const trailerNames = Object.keys(answer.trailers);
    if (trailerNames.length > 0) headers.trailer = trailerNames.join(', ');
    else headers['content-length'] = String(answer.body.length);
    res.writeHead(answer.status, headers);
    res.write(answer.body);
    if (trailerNames.length > 0) res.addTrailers(answer.trailers);
    res.end();
  };

  const resetClient = (res: http.ServerResponse) => {
    const socket = res.socket as (net.Socket & { resetAndDestroy?: () => void }) | null;
    if (socket?.resetAndDestroy) socket.resetAndDestroy();
    else socket?.destroy();
  };

  const handler = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const request: SeenRequest = {
      n: seen.length + 1, method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders,
      body: body.toString('utf8'), at: Math.round(performance.now() - started), fault: 'pass', forwarded: false,
    };
    seen.push(request);
    const fault = rule(request);
    request.fault = fault.kind;
    let gone = false;
    res.on('close', () => { gone = true; });
    const forwardOrReset = async (): Promise<Answer | undefined> => {
      try {
        request.forwarded = true;
        return await forward(req, body);
      } catch {
        resetClient(res);
        return undefined;
      }
    };
    try {
      switch (fault.kind) {
        case 'status':
          res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
          res.end(fault.body ?? JSON.stringify({ error: `injected ${fault.status}` }));
          return;
        case 'echo':
          res.writeHead(fault.status, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: `rejected: ${fault.of === 'headers' ? JSON.stringify(req.headers) : request.body}` }));
          return;
        case 'hang':
          return;
        case 'reset':
          if (fault.when === 'before') {
            resetClient(res);
            return;
          }
          if (await forwardOrReset()) resetClient(res);
          return;
        case 'delay': {
          if (fault.when === 'before') {
            await wait(fault.ms);
            if (gone) return;
            const answer = await forwardOrReset();
            if (answer && !gone) reply(res, answer);
            return;
          }
          const answer = await forwardOrReset();
          if (!answer) return;
          await wait(fault.ms);
          if (!gone) reply(res, answer);
          return;
        }
        case 'truncate': {
          const answer = await forwardOrReset();
          if (!answer) return;
          res.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': String(answer.body.length) });
          res.write(answer.body.subarray(0, Math.floor(answer.body.length / 2)));
          setTimeout(() => resetClient(res), 20);
          return;
        }
        case 'hook': {
          if (fault.when === 'before') await fault.run();
          const answer = await forwardOrReset();
          if (!answer) return;
          if (fault.when === 'after') await fault.run();
          if (fault.when === 'after') {
            // The gateway died after answering: its answer never makes it back.
            resetClient(res);
            return;
          }
          reply(res, answer);
          return;
        }
        default: {
          const answer = await forwardOrReset();
          if (answer && !gone) reply(res, answer);
        }
      }
    } catch {
      resetClient(res);
    }
  };

  const server = options.tls
    ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, (req, res) => void handler(req, res))
    : http.createServer((req, res) => void handler(req, res));
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    seen,
    setFault(next) {
      rule = next;
    },
    reset() {
      seen.length = 0;
      rule = pass;
    },
    close: () => new Promise<void>((resolve) => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      agent.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Fault helpers: the Nth request, requests by method, everything after the first N. */
export const faults = {
  /** `fault` for requests with this method (e.g. the write), `pass` for the rest */
  onMethod(method: string, fault: Fault, times = Infinity): FaultRule {
    let left = times;
    return (r) => (r.method === method && left-- > 0 ? fault : { kind: 'pass' });
  },
  /** the first `n` requests pass, every later one gets `fault` (a connection that stops mid-apply) */
  afterFirst(n: number, fault: Fault): FaultRule {
    return (r) => (r.n > n ? fault : { kind: 'pass' });
  },
  /** `fault` for the first `times` requests, then pass */
  first(times: number, fault: Fault): FaultRule {
    return (r) => (r.n <= times ? fault : { kind: 'pass' });
  },
  always(fault: Fault): FaultRule {
    return () => fault;
  },
};

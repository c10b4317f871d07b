import { Agent, request, type Dispatcher } from 'undici';
import { GatewayError } from '../model/errors.js';

/**
 * The one HTTP client gwctl talks to gateways with. undici's `request` rather than `fetch`:
 * Caddy sends the config ETag as an HTTP trailer on `GET /config/`, which `fetch()` cannot see.
 *
 * - base URL + path; the admin token goes in `Authorization: Bearer …`, never in a URL or a log;
 * - TLS is always verified: against Node's CA store, or only the `--ca` bundle when given;
 * - a connect timeout and a whole-request timeout (headers and body);
 * - retries with exponential backoff, at most 3 attempts in all, only when repeating cannot do
 *   harm: connection errors and 502/503/504 for idempotent requests (GET, HEAD, OPTIONS, PUT,
 *   DELETE, unless the caller says otherwise), and for any request a connection that was never
 *   made (nothing was sent). A 500, a timeout, a TLS failure and every other status are final;
 * - `--verbose` logs one line per request, token redacted, never a body;
 * - every failure is a GatewayError {driver, method, url, status} with one actionable sentence; a
 *   failure without an answer is a TransportError that says whether the request may have reached
 *   the gateway (`sent`), so a writer can find out whether it took effect.
 */

export interface HttpClientOptions {
  /** driver id for errors (`caddy`) */
  driver: string;
  /** product name for messages (`Caddy`) */
  product: string;
  /** admin API base URL, e.g. http://127.0.0.1:2019 */
  baseUrl: string;
  token?: string;
  /** PEM CA bundle to verify an https admin API */
  ca?: string;
  /** whole-request timeout, ms (default 10 000) */
  timeoutMs?: number;
  /** TCP/TLS connect timeout, ms (default: the smaller of 5 000 and timeoutMs) */
  connectTimeoutMs?: number;
  /** attempts after the first one (default 2: at most 3 attempts) */
  retries?: number;
  /** first backoff delay, ms (default 150; doubled each retry, with jitter) */
  backoffMs?: number;
  /** `--verbose` request log */
  log?: (line: string) => void;
  /** hides secret values in anything the client puts into an error message */
  redact?: (text: string) => string;
}

export interface RequestOptions {
  /** a JSON body */
  json?: unknown;
  headers?: Record<string, string>;
  /** statuses returned to the caller instead of thrown (e.g. 412 for If-Match) */
  accept?: number[];
  /** overrides the method-based idempotency (a PUT that inserts into a Caddy array is not) */
  idempotent?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** HTTP trailers (Caddy's ETag on GET /config/); filled once the body is read */
  trailers: Record<string, string>;
  text: string;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const RETRY_STATUSES = new Set([502, 503, 504]);
/** errors that mean the request never reached the server, so even a POST may be repeated */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH']);
/** certificate checks that failed: the answer is --ca (or a certificate for the right name), never a retry */
const TLS_VERIFY = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED', 'CERT_SIGNATURE_FAILURE', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID',
  'CERT_REVOKED', 'INVALID_CA', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);
const DEFAULT_RETRIES = 2;

/** Whether the request may be repeated by method alone (callers may override per request). */
export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method.toUpperCase());
}

/**
 * The retry decision, on its own so it can be tested: after a failed attempt (`code`: the
 * connection error, or `status`: the answer), may the request be sent again?
 */
export function shouldRetry(input: { idempotent: boolean; attempt: number; retries: number; code?: string; status?: number }): boolean {
  if (input.attempt >= input.retries) return false;
  if (input.code !== undefined) return NOT_SENT.has(input.code) || (input.idempotent && isConnectionError(input.code));
  return input.status !== undefined && input.idempotent && RETRY_STATUSES.has(input.status);
}

/** The backoff before retry `attempt` (0-based): base · 2^attempt, ±25 % jitter. */
export function backoffDelay(base: number, attempt: number, random: () => number = Math.random): number {
  return base * 2 ** attempt * (0.75 + random() * 0.5);
}

/** A request that got no answer: refused, reset, timed out, TLS failure. */
export class TransportError extends GatewayError {
  constructor(
    message: string,
    details: GatewayError['details'],
    /** the error code (ECONNRESET, TIMEOUT, DEPTH_ZERO_SELF_SIGNED_CERT, …) */
    readonly code: string,
    /** false when the request cannot have reached the gateway (the connection was never made) */
    readonly sent: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, details, options);
  }
}

export class HttpClient {
  readonly baseUrl: string;
  private readonly dispatcher: Dispatcher;
  private readonly options: HttpClientOptions;
  private readonly timeoutMs: number;
  private readonly connectTimeoutMs: number;

  constructor(options: HttpClientOptions) {
    this.options = options;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? Math.min(5_000, this.timeoutMs);
    // rejectUnauthorized stays at its default (true); `ca` replaces Node's CA store for this client.
    const connect: Record<string, unknown> = { timeout: this.connectTimeoutMs };
    if (options.ca) connect.ca = options.ca;
    this.dispatcher = new Agent({ connect, keepAliveTimeout: 2_000 });
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const url = this.baseUrl + path;
    const idempotent = options.idempotent ?? isIdempotent(method);
    const retries = Math.max(0, Math.min(this.options.retries ?? DEFAULT_RETRIES, 10));
    const backoff = this.options.backoffMs ?? 150;
    for (let attempt = 0; ; attempt++) {
      const started = performance.now();
      let response: HttpResponse;
      try {
        response = await this.once(method, url, options);
      } catch (error) {
        const code = errorCode(error);
        this.log(method, url, `failed (${code}) in ${Math.round(performance.now() - started)} ms`);
        if (shouldRetry({ idempotent, attempt, retries, code })) {
          await sleep(backoffDelay(backoff, attempt));
          continue;
        }
        throw this.connectionError(method, url, code, error, attempt + 1);
      }
      this.log(method, url, `${response.status} in ${Math.round(performance.now() - started)} ms`);
      if (shouldRetry({ idempotent, attempt, retries, status: response.status })) {
        await sleep(backoffDelay(backoff, attempt));
        continue;
      }
      if ((response.status >= 200 && response.status < 300) || options.accept?.includes(response.status)) return response;
      throw this.statusError(method, url, response, attempt + 1);
    }
  }

  private async once(method: string, url: string, options: RequestOptions): Promise<HttpResponse> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    let body: string | undefined;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] = 'application/json';
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new TimeoutError()), this.timeoutMs);
    try {
      const response = await request(url, {
        method: method as Dispatcher.HttpMethod,
        headers,
        body,
        dispatcher: this.dispatcher,
        signal: controller.signal,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      const text = await response.body.text();
      const trailers: Record<string, string> = {};
      for (const [name, value] of Object.entries((response.trailers ?? {}) as Record<string, unknown>)) {
        if (typeof value === 'string') trailers[name.toLowerCase()] = value;
        else if (Array.isArray(value) && typeof value[value.length - 1] === 'string') trailers[name.toLowerCase()] = value[value.length - 1] as string;
      }
      return { status: response.statusCode, headers: response.headers, trailers, text };
    } catch (error) {
      if (controller.signal.aborted) throw new TimeoutError();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private log(method: string, url: string, outcome: string): void {
    if (!this.options.log) return;
    const auth = this.options.token ? ' (authorization: Bearer (redacted))' : '';
    this.options.log(`http ${method} ${url}${auth} → ${outcome}`);
  }

  private connectionError(method: string, url: string, code: string, cause: unknown, attempts: number): TransportError {
    const { product, driver } = this.options;
    const details = { driver, method, url };
    const sent = !NOT_SENT.has(code);
    const tried = attempts > 1 ? `; ${attempts} attempts` : '';
    const error = (message: string) => new TransportError(message, details, code, sent, { cause });
    const message = this.redact(cause instanceof Error ? cause.message : String(cause)).split('\n')[0]!.trim();
    const said = message.includes(code) ? message : `${code}: ${message}`;
    if (code === 'TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
      return error(`the ${product} admin API at ${this.baseUrl} did not answer ${method} ${pathOf(url)} within ${this.timeoutMs} ms (--timeout); check that it is not overloaded, or raise --timeout.`);
    }
    if (code === 'UND_ERR_CONNECT_TIMEOUT') {
      return error(`cannot reach the ${product} admin API at ${this.baseUrl}: no connection within ${this.connectTimeoutMs} ms (connect timeout); is ${product} running, and is its admin endpoint reachable from here? (raise --timeout for a slow network)`);
    }
    if (TLS_VERIFY.has(code)) {
      const name = code === 'ERR_TLS_CERT_ALTNAME_INVALID'
        ? `its certificate is not valid for the host ${hostOf(this.baseUrl)} (${said}); use the name the certificate was issued for in the target URL`
        : `its TLS certificate cannot be verified (${said}); pass the CA that signed it with --ca FILE`;
      return error(`cannot trust the ${product} admin API at ${this.baseUrl}: ${name}${this.options.ca ? ' (the --ca bundle given does not verify it)' : ''}. gwctl never turns certificate checks off.`);
    }
    if (code === 'EPROTO' || code.startsWith('ERR_SSL_')) {
      // OpenSSL's own text is a library trace; the code says it.
      return error(`TLS with the ${product} admin API at ${this.baseUrl} failed (${code}); does it really speak HTTPS on that port (else use http://)?`);
    }
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
      return error(`cannot reach the ${product} admin API at ${this.baseUrl} (${code}); is ${product} running, and is its admin endpoint listening at that address? (check --target)`);
    }
    if (isConnectionError(code)) {
      return error(`the connection to the ${product} admin API at ${this.baseUrl} failed during ${method} ${pathOf(url)} (${said}${tried}); is ${product} running, or did it restart?`);
    }
    return error(`${method} ${pathOf(url)} on the ${product} admin API at ${this.baseUrl} failed (${said}${tried}).`);
  }

  private statusError(method: string, url: string, response: HttpResponse, attempts: number): GatewayError {
    const { product, driver } = this.options;
    const said = this.redact(gatewayMessage(response.text)).slice(0, 600).replace(/[.\s]+$/, '');
    const hint = response.status === 401 || response.status === 403
      ? ` Check the admin token (the target's \`token\`, or GWCTL_ADMIN_TOKEN) and the admin API's allowed origins.`
      : '';
    const tried = attempts > 1 ? ` (${attempts} attempts)` : '';
    return new GatewayError(`the ${product} admin API refused ${method} ${pathOf(url)}: ${response.status}${said ? ` ${said}` : ''}${tried}.${hint}`,
      { driver, method, url, status: response.status });
  }

  private redact(text: string): string {
    let out = this.options.redact ? this.options.redact(text) : text;
    if (this.options.token) out = out.split(this.options.token).join('(secret)');
    return out;
  }
}

class TimeoutError extends Error {
  readonly code = 'TIMEOUT';
  constructor() {
    super('request timed out');
  }
}

function errorCode(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return error instanceof Error ? error.name : 'ERROR';
}

function isConnectionError(code: string): boolean {
  return ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH',
    'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT'].includes(code);
}

/** Caddy answers errors as `{"error": "…"}`; other gateways as `{"message": "…"}`. */
function gatewayMessage(text: string): string {
  try {
    const data = JSON.parse(text) as { error?: unknown; message?: unknown };
    if (typeof data?.error === 'string') return data.error;
    if (typeof data?.message === 'string') return data.message;
  } catch {
    // not JSON: the text itself
  }
  return text.trim();
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

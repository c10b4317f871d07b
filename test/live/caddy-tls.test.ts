import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveConfig, SECRETS } from './configs.js';
import {
  call, freePort, gwctl, OTHER_BODY, startCaddy, startForwardAuth, startUpstream, tempDir,
  type CaddyProcess, type NodeServer, type Run,
} from './harness.js';

/**
 * TLS on the managed server (Caddy's internal CA), a named target from .gwctl.yaml with an admin
 * token from the environment, and a failed apply that is rolled back. Its own Caddy: the failed
 * apply provokes a listener error (see caddyserver/caddy#7175 for why that deserves isolation).
 */

let caddy: CaddyProcess;
let upstream: NodeServer;
let authz: NodeServer;
let project: string;
let port: number;
const outputs: string[] = [];
const ADMIN_TOKEN = 'admin-token-5e1c9b7d2a';
const HOST = 'api.test';

async function run(args: string[]): Promise<Run> {
  const result = await gwctl(args, {
    cwd: project,
    env: { ALICE_KEY: SECRETS.aliceKey, PENDING_KEY: SECRETS.pendingKey, REJECTED_KEY: SECRETS.rejectedKey, EDGE_ADMIN_TOKEN: ADMIN_TOKEN },
  });
  outputs.push(result.stdout, result.stderr);
  return result;
}

function writeProject(listen: string, tls: string): void {
  writeFileSync(path.join(project, '.gwctl.yaml'), `extends: [gwctl:recommended]
targets:
  edge:
    driver: caddy
    url: ${caddy.adminUrl}
    token: \${env:EDGE_ADMIN_TOKEN}
    listen: ${listen}
    tls: ${tls}
`);
}

beforeAll(async () => {
  [caddy, upstream, authz] = await Promise.all([startCaddy(), startUpstream('tls-upstream'), startForwardAuth('unused')]);
  project = tempDir('gwctl-tls-');
  mkdirSync(path.join(project, 'secrets'));
  writeFileSync(path.join(project, 'secrets', 'alice.pw'), SECRETS.alicePassword);
  writeFileSync(path.join(project, 'secrets', 'bob.key'), SECRETS.bobKey);
  writeFileSync(path.join(project, 'gw.yaml'), liveConfig({ upstream: upstream.url, forwardAuth: authz.url, hosts: [HOST] }));
  port = await freePort();
});

afterAll(async () => {
  await Promise.all([caddy?.stop(), upstream?.close(), authz?.close()]);
  if (project) rmSync(project, { recursive: true, force: true });
});

/** An HTTPS request that sends no SNI at all (servername ''), as clients dialling an IP do. */
function withoutSni(port: number, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, path, headers, servername: '', rejectUnauthorized: false, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Status and certificate issuer CN of an HTTPS request with SNI `servername`. */
function peer(port: number, servername: string, headers: Record<string, string>): Promise<{ status: number; issuer: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, path: '/v1/items', headers, servername, rejectUnauthorized: false, agent: false }, (res) => {
      const issuer = String((res.socket as TLSSocket).getPeerCertificate().issuer?.CN ?? '');
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, issuer }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function eventually<T>(attempt: () => Promise<T>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('TLS internal through a named target', () => {
  it('rolls a failed apply back: the TLS policy written first is removed again (exit 1)', async () => {
    // The upstream's port is taken, so Caddy fails to bind the managed server after the TLS
    // automation policy was already written.
    writeProject(`127.0.0.1:${upstream.port}`, 'internal');
    const before = await caddy.config();
    const apply = await run(['apply', 'gw.yaml', '--target', 'edge', '--yes', '--allow-unenforced', 'rate-limit']);
    expect(apply.code, apply.stdout + apply.stderr).toBe(1);
    expect(apply.stderr).toMatch(/apply failed \(rolled back\)/);
    expect(apply.stdout).toMatch(/undone\s+PUT \/config\/apps\/tls/);
    expect((await caddy.config()).text).toBe(before.text);
    const journalDir = path.join(project, '.gwctl', 'journal');
    const journal = JSON.parse(readFileSync(path.join(journalDir, readdirSync(journalDir)[0]!), 'utf8'));
    expect(journal).toMatchObject({ result: 'rolled-back', undone: ['PUT /config/apps/tls'] });
    expect((await call(caddy.otherUrl)).text).toBe(OTHER_BODY);
  });

  it('serves the routes over TLS with certificates from the internal CA', async () => {
    writeProject(`127.0.0.1:${port}`, 'internal');
    const apply = await run(['apply', 'gw.yaml', '--target', 'edge', '--yes', '--verbose', '--allow-unenforced', 'rate-limit']);
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    expect(apply.stdout).toMatch(/\+ create tls-policy gwctl-gwctl\.tls/);
    expect(apply.stderr).toMatch(/http GET http:\/\/127\.0\.0\.1:\d+\/config\/ \(authorization: Bearer \(redacted\)\) → 200/);
    const url = `https://127.0.0.1:${port}`;
    const sni = { servername: HOST, headers: { host: HOST } };
    // Caddy obtains the certificate in the background right after the load.
    expect((await eventually(() => call(`${url}/v1/items`, sni))).status).toBe(401);
    const ok = await call(`${url}/v1/items`, { ...sni, headers: { host: HOST, 'x-api-key': SECRETS.aliceKey } });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ marker: 'tls-upstream', path: '/v1/items' });
    // A client that sends no SNI (it dialled an IP address) gets the default name's certificate.
    expect(await withoutSni(port, '/v1/items', { host: HOST, 'x-api-key': SECRETS.aliceKey })).toBe(200);
    // No certificate for a name no route serves (undici takes the SNI from the Host header).
    await expect(call(`${url}/v1/items`, { headers: { host: 'elsewhere.test', 'x-api-key': SECRETS.aliceKey } })).rejects.toThrow(/alert/);
    const config = JSON.parse((await caddy.config()).text);
    expect(config.apps.tls.automation.policies[0]).toEqual({ '@id': 'gwctl-gwctl.tls', subjects: [HOST], issuers: [{ module: 'internal' }] });
    expect((await call(caddy.otherUrl)).text).toBe(OTHER_BODY);
  });

  it('is idempotent with TLS: plan --detailed-exitcode exits 0', async () => {
    const plan = await run(['plan', 'gw.yaml', '--target', 'edge', '--detailed-exitcode', '--allow-unenforced', 'rate-limit']);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
  });

  it('switching tls off is refused without --allow-unenforced tls, then removes the TLS policy', async () => {
    writeProject(`127.0.0.1:${port}`, 'off');
    const refused = await run(['plan', 'gw.yaml', '--target', 'edge', '--allow-unenforced', 'rate-limit']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/tls \(the target's tls is off/);
    const apply = await run(['apply', 'gw.yaml', '--target', 'edge', '--yes', '--allow-unenforced', 'rate-limit,tls']);
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    expect(apply.stdout).toMatch(/- delete tls-policy gwctl-gwctl\.tls/);
    const ok = await call(`http://127.0.0.1:${port}/v1/items`, { headers: { host: HOST, 'x-api-key': SECRETS.aliceKey } });
    expect(ok.status).toBe(200);
    const config = JSON.parse((await caddy.config()).text);
    expect(JSON.stringify(config.apps.tls ?? {})).not.toContain('gwctl');
  });

  it('serves a certificate from files (tls: {certFile, keyFile}) and stays idempotent', async () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '2',
      '-subj', `/CN=${HOST}`, '-addext', `subjectAltName=DNS:${HOST}`], { cwd: project, stdio: 'ignore' });
    writeProject(`127.0.0.1:${port}`, '{ certFile: cert.pem, keyFile: key.pem }');
    const apply = await run(['apply', 'gw.yaml', '--target', 'edge', '--yes', '--allow-unenforced', 'rate-limit']);
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    expect(apply.stdout).toMatch(/\+ create tls-certificate gwctl-gwctl\.cert/);
    const reply = await eventually(() => peer(port, HOST, { host: HOST, 'x-api-key': SECRETS.aliceKey }));
    expect(reply).toEqual({ status: 200, issuer: HOST });
    const plan = await run(['plan', 'gw.yaml', '--target', 'edge', '--detailed-exitcode', '--allow-unenforced', 'rate-limit']);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect((await call(caddy.otherUrl)).text).toBe(OTHER_BODY);
  });

  it('never prints the admin token or other secrets', () => {
    const everything = outputs.join('\n');
    expect(everything).not.toContain(ADMIN_TOKEN);
    for (const secret of Object.values(SECRETS)) expect(everything).not.toContain(secret);
  });
});

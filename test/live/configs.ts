/**
 * gwctl/v1 configs for the live tests, lint-clean under gwctl:recommended: tenants exist, secrets
 * are references, approved subscriptions name approvedBy, every route has a rate limit (the
 * gateway default). Caddy cannot enforce rate limits, so runs pass --allow-unenforced rate-limit.
 */

export interface LiveConfigOptions {
  upstream: string;
  forwardAuth: string;
  /** leave these routes out */
  without?: string[];
  /** hosts for every route (TLS tests) */
  hosts?: string[];
  /** a route with no auth and no public flag: a lint error */
  lintError?: boolean;
  /** change the health route's path (a small, visible update) */
  healthPath?: string;
}

export const SECRETS = {
  aliceKey: 'alice-key-7f3a9c1e5b',
  aliceKeyRotated: 'alice-key-rotated-2d8e4f',
  bobKey: 'bob-key-0c6b1a9d44',
  pendingKey: 'pending-key-93be17aa',
  rejectedKey: 'rejected-key-51fd02c3',
  alicePassword: 'alice-password-Q9w8e7',
};

export function liveConfig(options: LiveConfigOptions): string {
  const hosts = options.hosts ? `\n        hosts: [${options.hosts.join(', ')}]` : '';
  const routes: Record<string, string> = {
    'list-items': `
      - name: list-items
        paths: [/v1/items]
        methods: [GET]${hosts}
        auth: { type: key }`,
    'get-item': `
      - name: get-item
        paths: ["/v1/items/{id}"]
        methods: [GET]${hosts}
        auth: { type: key }`,
    'create-item': `
      - name: create-item
        paths: [/v1/items]
        methods: [POST]
        hosts: [${(options.hosts ?? ['api.test']).join(', ')}]
        auth: { type: key, header: X-Shop-Key }`,
    'basic-area': `
      - name: basic-area
        paths: [/basic]
        methods: [GET]${hosts}
        auth: { type: basic }`,
    'forward-area': `
      - name: forward-area
        paths: [/forward]
        methods: [GET, POST]${hosts}
        auth: { type: forward, url: "${options.forwardAuth}/verify" }`,
    health: `
      - name: health
        paths: [${options.healthPath ?? '/healthz'}]
        methods: [GET]${hosts}
        auth: { type: none }
        public: true
        reason: load balancer health checks`,
  };
  const chosen = Object.entries(routes).filter(([name]) => !options.without?.includes(name)).map(([, text]) => text).join('');
  const broken = options.lintError ? `
      - name: wide-open
        paths: [/open]
        methods: [GET]
        auth: { type: none }` : '';
  return `format: gwctl/v1
gateway:
  name: live-test
  defaults:
    rateLimit: { requests: 100, per: second, key: consumer }
tenants:
  - name: shop
    owner: shop-team@example.com
services:
  - name: items
    tenant: shop
    upstream:
      targets:
        - url: ${options.upstream}
    routes:${chosen}${broken}
consumers:
  - name: alice-app
    tenant: shop
    credentials:
      - type: key
        key: \${env:ALICE_KEY}
      - type: basic
        username: alice
        password: \${file:./secrets/alice.pw}
    subscriptions:
      - service: items
        status: approved
        approvedBy: owner@example.com
        approvedAt: 2026-11-01
  - name: bob-app
    tenant: shop
    credentials:
      - type: key
        key: \${file:./secrets/bob.key}
    subscriptions:
      - service: items
        status: approved
        approvedBy: owner@example.com
  - name: pending-app
    tenant: shop
    credentials:
      - type: key
        key: \${env:PENDING_KEY}
    subscriptions:
      - service: items
        status: pending
  - name: rejected-app
    tenant: shop
    credentials:
      - type: key
        key: \${env:REJECTED_KEY}
    subscriptions:
      - service: items
        status: rejected
`;
}

import { describe, expect, it } from 'vitest';
import { summarize, type Finding } from '../../src/model/finding.js';
import { FORMAT_NAMES, formatStylish, loadFormatter } from '../../src/report/index.js';
import { format as stylish } from '../../src/report/stylish.js';
import { format as json } from '../../src/report/json.js';
import { format as junit } from '../../src/report/junit.js';
import { escapeData, escapeProperty, format as github } from '../../src/report/github.js';
import { format as markdown, MAX_ROWS } from '../../src/report/markdown.js';
import { format as gitlab } from '../../src/report/gitlab.js';
import { escapeHtml, escapeXml } from '../../src/report/escape.js';
import { finding, fixtureCoverage, fixtureFindings, makeContext } from './fixture.js';

const three: Finding[] = [
  finding({ file: 'b.yaml', line: 3, column: 5, rule: 'upstream-https', severity: 'warn', message: 'Upstream target uses http', fingerprint: 'w1' }),
  finding({ file: 'a.yaml', line: 21, column: 9, rule: 'route-auth-required', severity: 'error', message: "Route 'x' has no auth", fingerprint: 'e1' }),
  finding({ file: 'a.yaml', line: 7, column: 11, rule: 'operation-routed', severity: 'warn', message: 'GET /x is reachable through no route', fingerprint: 'w2', baselined: true }),
];

describe('registry', () => {
  it('has every format of the CLI spec plus gitlab', async () => {
    expect([...FORMAT_NAMES].sort()).toEqual(['github', 'gitlab', 'html', 'json', 'junit', 'markdown', 'sarif', 'stylish']);
    const findings = fixtureFindings();
    const ctx = makeContext(findings, { coverage: fixtureCoverage() });
    for (const name of FORMAT_NAMES) {
      const fmt = (await loadFormatter(name))!;
      const before = JSON.stringify(findings);
      expect(fmt(findings, ctx).length, name).toBeGreaterThan(0);
      expect(JSON.stringify(findings), `${name} must not mutate its input`).toBe(before);
    }
  });
});

describe('stylish', () => {
  it('groups by file, aligns columns, marks baselined findings and sums up', () => {
    const out = stylish(three, makeContext(three));
    expect(out).toBe([
      'a.yaml',
      '  7:11  warn   GET /x is reachable through no route  operation-routed (baselined)',
      "  21:9  error  Route 'x' has no auth                 route-auth-required",
      '',
      'b.yaml',
      '  3:5  warn  Upstream target uses http  upstream-https',
      '',
      '✖ 3 problems (1 error, 2 warnings, 0 infos, 0 hints)',
      '  1 baselined finding shown above does not fail the run.',
      '',
    ].join('\n'));
  });

  it('says so when there is nothing', () => {
    expect(stylish([], makeContext([]))).toBe('No problems found.\n');
  });

  it('colours only when asked', () => {
    const ctx = makeContext(three);
    expect(formatStylish(three, ctx, { color: true })).toMatch(/\u001b\[31merror/);
    expect(formatStylish(three, ctx, { color: false })).not.toMatch(/\u001b\[/);
  });

  it('lists stale baseline entries', () => {
    const out = stylish([], makeContext([], { staleBaseline: [{ rule: 'route-unique', file: 'old.yaml', pointer: '/services/1', fingerprint: 'x' }] }));
    expect(out).toContain('1 baseline entry matches no finding any more');
    expect(out).toContain('  old.yaml  /services/1  route-unique');
  });
});

describe('json', () => {
  it('has exactly the shape and key order of cli.md', () => {
    const ctx = makeContext(three);
    const text = json(three, ctx);
    const doc = JSON.parse(text);
    expect(Object.keys(doc)).toEqual(['tool', 'findings', 'summary']);
    expect(doc.tool).toEqual({ name: 'gwctl', version: '0.1.0' });
    expect(Object.keys(doc.findings[0])).toEqual(['rule', 'severity', 'message', 'file', 'pointer', 'line', 'column', 'endLine', 'endColumn', 'fingerprint', 'baselined']);
    expect(Object.keys(doc.summary)).toEqual(['files', 'errors', 'warnings', 'infos', 'hints']);
    expect(doc.summary).toEqual({ files: 3, errors: 1, warnings: 2, infos: 0, hints: 0 });
    expect(doc.findings.map((f: Finding) => f.fingerprint)).toEqual(['w1', 'e1', 'w2']);
    expect(doc.findings[2].baselined).toBe(true);
    expect(text.startsWith('{\n  "tool": {\n    "name": "gwctl"')).toBe(true);
  });

  it('drops extra properties a Finding object might carry', () => {
    const extra = { ...three[0]!, internal: 'x' } as Finding;
    expect(JSON.parse(json([extra], makeContext([extra]))).findings[0]).not.toHaveProperty('internal');
  });

  it('adds staleBaseline only when there are stale entries', () => {
    expect(JSON.parse(json(three, makeContext(three, { staleBaseline: [] })))).not.toHaveProperty('staleBaseline');
    const stale = [{ rule: 'r', file: 'f.yaml', pointer: '/a', fingerprint: 'fp' }];
    const doc = JSON.parse(json(three, makeContext(three, { staleBaseline: stale })));
    expect(Object.keys(doc)).toEqual(['tool', 'findings', 'summary', 'staleBaseline']);
    expect(doc.staleBaseline).toEqual(stale);
  });
});

/** Tiny XML reading for assertions: attributes of every element with this tag. */
function elements(xml: string, tag: string): Array<Record<string, string>> {
  return [...xml.matchAll(new RegExp(`<${tag}(\\s[^>]*?)?/?>`, 'g'))].map((m) =>
    Object.fromEntries([...(m[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!])));
}

describe('junit', () => {
  it('fails one test case per failing finding, one suite per file', () => {
    const findings = fixtureFindings();
    const xml = junit(findings, makeContext(findings));
    const failing = findings.filter((f) => f.severity === 'error' && !f.baselined).length;
    expect(xml.match(/<failure /g)).toHaveLength(failing);
    expect(elements(xml, 'testsuites')[0]).toMatchObject({ failures: String(failing), tests: String(findings.length) });
    const suites = elements(xml, 'testsuite');
    expect(suites.map((s) => s.name)).toEqual(['gateway/assistant.yaml', 'gateway/payments.yaml', 'specs/payments.yaml']);
    expect(suites.reduce((n, s) => n + Number(s.failures), 0)).toBe(failing);
    expect(xml.match(/<skipped /g)).toHaveLength(findings.filter((f) => f.baselined).length);
  });

  it('follows the fail severity', () => {
    const ctx = (failSeverity: 'warn' | 'none') => makeContext(three, { failSeverity });
    expect(junit(three, ctx('warn')).match(/<failure /g)).toHaveLength(2); // baselined warn does not fail
    expect(junit(three, ctx('none'))).not.toContain('<failure');
  });

  it('escapes XML and passes clean files', () => {
    const nasty = [finding({ message: 'a < b & "c" \'d\' ]]> \u0007bell', rule: 'r&d' })];
    const ctx = { ...makeContext(nasty), files: ['gateway/payments.yaml', 'gateway/clean.yaml'] };
    const xml = junit(nasty, ctx);
    expect(xml).toContain('message="a &lt; b &amp; &quot;c&quot; &apos;d&apos; ]]&gt; bell"');
    expect(xml).not.toContain('\u0007');
    expect(elements(xml, 'testsuite').find((s) => s.name === 'gateway/clean.yaml')).toMatchObject({ tests: '1', failures: '0' });
  });

  it('emits a passing case when nothing was found', () => {
    const xml = junit([], makeContext([]));
    expect(elements(xml, 'testsuites')[0]).toMatchObject({ tests: '1', failures: '0' });
    expect(xml).toContain('3 other files: no findings');
  });
});

describe('github', () => {
  it('writes workflow commands with severities mapped', () => {
    const lines = github(three, makeContext(three)).trimEnd().split('\n');
    expect(lines).toEqual([
      '::warning file=b.yaml,line=3,col=5,endLine=30,endColumn=29,title=upstream-https::Upstream target uses http',
      "::error file=a.yaml,line=21,col=9,endLine=30,endColumn=29,title=route-auth-required::Route 'x' has no auth",
      '::notice file=a.yaml,line=7,col=11,endLine=30,endColumn=29,title=operation-routed (baselined)::GET /x is reachable through no route',
    ]);
  });

  it("escapes data and properties like the runner's toolkit", () => {
    const f = finding({ file: 'dir,x/a:b.yaml', rule: 'r', severity: 'info', message: '100% of routes\r\nlack: auth, really' });
    const line = github([f], makeContext([f])).trimEnd();
    expect(line).toBe('::notice file=dir%2Cx/a%3Ab.yaml,line=26,col=9,endLine=30,endColumn=29,title=r::100%25 of routes%0D%0Alack: auth, really');
    expect(escapeData('%\n')).toBe('%25%0A');
    expect(escapeProperty('a:b,c%')).toBe('a%3Ab%2Cc%25');
  });

  it('warns about stale baseline entries', () => {
    const out = github([], makeContext([], { staleBaseline: [{ rule: 'r', file: 'f.yaml', pointer: '/a', fingerprint: 'x' }] }));
    expect(out).toMatch(/^::warning title=stale baseline entry::Baseline entry r at f\.yaml#\/a matches no finding/);
  });
});

describe('markdown', () => {
  it('has a heading, counts, a rule table and an escaped findings table', () => {
    const f = [...three, finding({ message: 'pipes | and <b>tags</b>\nnext', fingerprint: 'p' })];
    const md = markdown(f, makeContext(f));
    expect(md).toMatch(/^## ❌ gwctl: 4 problems in 3 files/);
    expect(md).toContain('| 🔴 errors | 2 |');
    expect(md).toContain('| `route-auth-required` | 2 | 0 | 0 | 0 | 2 |');
    expect(md).toContain('pipes \\| and \\<b\\>tags\\</b\\><br>next');
    // every table row has the same number of unescaped cell separators
    const rows = md.split('\n').filter((l) => l.startsWith('| `') && l.includes(':'));
    for (const row of rows) expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(6);
    expect(md).toContain('🟠 warn (baselined)');
    // most severe first, baselined last
    const findingRows = md.slice(md.indexOf('### Findings')).split('\n').filter((l) => l.startsWith('| `'));
    expect(findingRows[0]).toContain('error');
    expect(findingRows.at(-1)).toContain('(baselined)');
  });

  it('caps the findings table', () => {
    const many = Array.from({ length: MAX_ROWS + 7 }, (_, i) => finding({ line: i + 1, fingerprint: `f${i}` }));
    const md = markdown(many, makeContext(many));
    const rows = md.slice(md.indexOf('### Findings')).split('\n').filter((l) => l.startsWith('| `'));
    expect(rows).toHaveLength(MAX_ROWS);
    expect(md).toContain('…and 7 more.');
  });

  it('celebrates a clean run', () => {
    expect(markdown([], makeContext([]))).toMatch(/^## ✅ gwctl: no problems found in 3 files/);
  });
});

describe('gitlab', () => {
  it('writes the code-quality issue array', () => {
    const issues = JSON.parse(gitlab(three, makeContext(three)));
    expect(issues).toHaveLength(3);
    expect(issues[1]).toEqual({
      description: "Route 'x' has no auth",
      check_name: 'route-auth-required',
      fingerprint: 'e1',
      severity: 'critical',
      location: { path: 'a.yaml', lines: { begin: 21 } },
    });
    expect(issues.map((i: { severity: string }) => i.severity)).toEqual(['major', 'critical', 'major']);
  });

  it('keeps fingerprints unique', () => {
    const dup = [finding({ fingerprint: 'same' }), finding({ fingerprint: 'same', line: 40 })];
    const issues = JSON.parse(gitlab(dup, makeContext(dup)));
    expect(new Set(issues.map((i: { fingerprint: string }) => i.fingerprint)).size).toBe(2);
  });
});

describe('escaping helpers', () => {
  it('escape markup', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
    expect(escapeHtml(`<script>alert('x')</script>`)).toBe('&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;');
  });
});

it('summaries come from the context, not recounted', () => {
  const ctx = makeContext(three, { summary: { ...summarize(three, 9) } });
  expect(stylish(three, ctx)).toContain('✖ 3 problems');
  expect(JSON.parse(json(three, ctx)).summary.files).toBe(9);
});

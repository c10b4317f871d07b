import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/model/errors.js';
import { parseFormatSpec, writeReports } from '../../src/report/write.js';
import { finding, makeContext } from './fixture.js';

describe('-f NAME[:FILE]', () => {
  it('parses names and files', () => {
    expect(parseFormatSpec('json')).toEqual({ name: 'json' });
    expect(parseFormatSpec('sarif:out/gwctl.sarif')).toEqual({ name: 'sarif', file: 'out/gwctl.sarif' });
    expect(parseFormatSpec('html:C:\\reports\\r.html')).toEqual({ name: 'html', file: 'C:\\reports\\r.html' });
  });

  it('rejects unknown formats and empty files with a UsageError', () => {
    expect(() => parseFormatSpec('xml')).toThrow(UsageError);
    expect(() => parseFormatSpec('xml')).toThrow(/use one of: stylish, json, sarif/);
    expect(() => parseFormatSpec('json:')).toThrow(UsageError);
    expect(() => parseFormatSpec('toString')).toThrow(UsageError);
  });

  const dir = mkdtempSync(join(tmpdir(), 'gwctl-write-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes files (creating folders) and sends the rest to stdout', async () => {
    const findings = [finding()];
    const out: string[] = [];
    const written = await writeReports(
      [parseFormatSpec('stylish'), parseFormatSpec('json:reports/gwctl.json'), parseFormatSpec('github')],
      findings,
      makeContext(findings, { cwd: dir }),
      { stdout: (t) => out.push(t), color: true },
    );
    expect(written).toEqual([join(dir, 'reports/gwctl.json')]);
    expect(JSON.parse(readFileSync(written[0]!, 'utf8')).findings).toHaveLength(1);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatch(/\u001b\[/); // stylish on stdout is coloured when asked
    expect(out[1]).toMatch(/^::error /);
  });
});

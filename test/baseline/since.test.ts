import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/model/errors.js';
import { newFindingsOnly } from '../../src/baseline/since.js';
import { gitRevision } from '../../src/load/file-source.js';
import { finding } from './helpers.js';

describe('gitRevision (real git repository)', () => {
  const readFileAtRef = (root: string, ref: string, rel: string) => gitRevision(root, ref).read(join(root, rel.replace(/\\/g, '/')))?.toString('utf8');
  let repo: string;
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=gwctl test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: repo, stdio: 'pipe' }).toString().trim();

  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), 'gwctl-since-'));
    git('init', '-q', '-b', 'main');
    mkdirSync(join(repo, 'gateway'));
    writeFileSync(join(repo, 'gateway/payments.yaml'), 'version: 1\n');
    git('add', '.');
    git('commit', '-q', '-m', 'first');
    git('tag', 'v1');
    writeFileSync(join(repo, 'gateway/payments.yaml'), 'version: 2\n');
    writeFileSync(join(repo, 'gateway/new.yaml'), 'new: true\n');
    git('add', '.');
    git('commit', '-q', '-m', 'second');
    writeFileSync(join(repo, 'gateway/payments.yaml'), 'version: 3 (uncommitted)\n');
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it('reads a file as it was at a ref, without touching the work tree', () => {
    expect(readFileAtRef(repo, 'v1', 'gateway/payments.yaml')).toBe('version: 1\n');
    expect(readFileAtRef(repo, 'HEAD', './gateway/payments.yaml')).toBe('version: 2\n');
    expect(git('status', '--porcelain')).toBe('M gateway/payments.yaml');
  });

  it('returns undefined for a file that did not exist at the ref', () => {
    expect(readFileAtRef(repo, 'v1', 'gateway/new.yaml')).toBeUndefined();
    expect(readFileAtRef(repo, 'HEAD', 'nowhere.yaml')).toBeUndefined();
  });

  it('throws a UsageError for an unknown or option-like ref', () => {
    expect(() => readFileAtRef(repo, 'no-such-branch', 'gateway/payments.yaml')).toThrow(UsageError);
    expect(() => readFileAtRef(repo, '--output=/tmp/x', 'gateway/payments.yaml')).toThrow(/not a git revision/);
  });
});

describe('newFindingsOnly', () => {
  it('baselines findings that existed before, by rule, file and fingerprint', () => {
    const previous = [finding({ line: 10 }), finding({ rule: 'upstream-https', fingerprint: 'fp-old' })];
    const current = [
      finding({ line: 30 }), // moved, same fingerprint → old
      finding({ fingerprint: 'fp-new', pointer: '/services/1/routes/0' }), // new
      finding({ file: 'gateway/other.yaml' }), // same fingerprint, other file → new
    ];
    expect(newFindingsOnly(current, previous).map((f) => f.baselined)).toEqual([true, false, false]);
    expect(current.every((f) => !f.baselined)).toBe(true);
  });
});

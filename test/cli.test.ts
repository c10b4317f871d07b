/** In-process CLI checks that need a fake terminal (colour) or a fake environment. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type CliIo } from '../src/cli/main.js';

const ROOT = path.resolve(import.meta.dirname, '..');

function fakeIo(overrides: Partial<CliIo> = {}): CliIo & { out: string; err: string } {
  const io = {
    out: '', err: '',
    stdout(text: string) { io.out += text; },
    stderr(text: string) { io.err += text; },
    isTTY: true, env: {}, cwd: ROOT, ...overrides,
  };
  return io;
}

describe('colour', () => {
  it('colours stylish output on a terminal', async () => {
    const io = fakeIo();
    expect(await main(['lint', 'fixtures/e2e/seeded/swagger2.yaml'], io)).toBe(1);
    expect(io.out).toMatch(/\u001b\[/);
  });

  it('honours NO_COLOR and --no-color on a terminal', async () => {
    const withEnv = fakeIo({ env: { NO_COLOR: '1' } });
    await main(['lint', 'fixtures/e2e/seeded/swagger2.yaml'], withEnv);
    expect(withEnv.out).toContain('oas-tls-only');
    expect(withEnv.out).not.toMatch(/\u001b\[/);
    const withFlag = fakeIo();
    await main(['lint', 'fixtures/e2e/seeded/swagger2.yaml', '--no-color'], withFlag);
    expect(withFlag.out).not.toMatch(/\u001b\[/);
  });

  it('never colours a report written to a file or a non-terminal', async () => {
    const io = fakeIo({ isTTY: false });
    await main(['lint', 'fixtures/e2e/seeded/swagger2.yaml'], io);
    expect(io.out).not.toMatch(/\u001b\[/);
  });
});

describe('progress', () => {
  it('draws progress on a terminal stderr for a long run, and clears it', async () => {
    const io = fakeIo({ isTTY: false, stderrIsTTY: true });
    const { terminalProgress } = await import('../src/cli/terminal.js');
    const progress = terminalProgress(io.stderr, true, 0);
    progress.update(3, 200, 'lint');
    progress.done();
    expect(io.err).toContain('linting 3/200 files');
    expect(io.err.endsWith('\r\u001b[2K')).toBe(true);
  });

  it('never draws when stderr is not a terminal', async () => {
    const io = fakeIo({ isTTY: false, stderrIsTTY: false });
    expect(await main(['lint', 'fixtures/e2e/seeded', '-f', 'json'], io)).toBe(1);
    expect(io.err).toBe('');
  });
});

import type { CliIo } from './main.js';
import { choosePaths, runContext } from '../config/run-context.js';

export async function explainCliCommand(paths: string[], options: { format: 'table' | 'json' }, io: CliIo): Promise<number> {
  const context = runContext(io.cwd);
  const { explainCommand } = await import('../explain/index.js');
  io.stdout(await explainCommand(choosePaths(context, paths), io.cwd, options.format));
  return 0;
}

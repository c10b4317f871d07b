import { request } from 'undici';

/**
 * Fetches a document a remote `$ref` points to, for hosts the user allowed with
 * `--allow-remote-refs`. Redirects are not followed (they could lead to a host nobody allowed),
 * and the size and the time are bounded like local files.
 */
/** A fetch that failed; the workspace turns it into a LoadError at the `$ref` that asked for it. */
export class RemoteRefError extends Error {}

export async function fetchRemote(url: string, maxBytes: number, timeoutMs = 10_000): Promise<Buffer> {
  let response;
  try {
    response = await request(url, {
      method: 'GET',
      headers: { accept: 'application/yaml, application/json;q=0.9, */*;q=0.5', 'user-agent': 'gwctl' },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
  } catch (error) {
    throw new RemoteRefError(`the remote $ref target ${url} cannot be fetched (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check the URL, or vendor the file into the project.`, { cause: error });
  }
  if (response.statusCode !== 200) {
    await response.body.dump();
    const hint = response.statusCode >= 300 && response.statusCode < 400 ? ' (redirects are not followed: point the $ref at the final URL)' : '';
    throw new RemoteRefError(`the remote $ref target ${url} answered HTTP ${response.statusCode}${hint}; fix the URL or vendor the file into the project.`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      response.body.destroy();
      throw new RemoteRefError(`the remote $ref target ${url} is larger than ${(maxBytes / 1e6).toFixed(0)} MB; vendor it into the project instead.`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

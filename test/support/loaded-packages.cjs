// Preloaded with --require by test/e2e/startup.e2e.test.ts: prints, at exit, the npm packages the
// process loaded through require() (CommonJS), so tests can check what start-up pays for.
process.on('exit', () => {
  const packages = new Set();
  for (const file of Object.keys(require.cache)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
    if (match) packages.add(match[1]);
  }
  process.stderr.write(`\nloaded-packages: ${JSON.stringify([...packages].sort())}\n`);
});

/**
 * The report package's public face. Formatters are looked up by name in registry.ts (loaded on
 * demand); each is also importable from its own file.
 */
export { FORMAT_NAMES, loadFormatter, loadStylish } from './registry.js';
export { formatStylish, type StylishOptions } from './stylish.js';

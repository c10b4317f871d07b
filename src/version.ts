/** Kept in step with package.json by test/meta.test.ts (reading package.json at start-up costs time). */
export const VERSION = '0.1.0';

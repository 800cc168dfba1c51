import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
export default defineConfig({ root: '/work/wt/report', test: { include: ['test/integration/report-browser.test.ts'], testTimeout: 120000 } });

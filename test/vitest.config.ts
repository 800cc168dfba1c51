import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Three projects: unit (pure, fast), integration (real Slurm/sshd/Pushgateway/Prometheus brought up
// by global setup), e2e (the built bin). `npm test` runs all three. The config lives in test/
// (the repository's top level is fixed), so the root is set back to the repository.
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          // beforeAll hooks run the built bin (a benchmark): seconds, more on a busy machine.
          hookTimeout: 120_000,
        },
      },
    ],
  },
});

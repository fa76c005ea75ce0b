import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'recipes/**/*.test.ts'],
    // Installs the agent CLIs pinned in test/agents/package.json into .cache/agents.
    globalSetup: ['test/setup/global-setup.ts'],
    // Child processes, temp HOMEs and servers: isolate test files in processes.
    pool: 'forks',
    // Unit tests stay fast; e2e tests set their own per-test timeouts (120 s).
    testTimeout: 15_000,
    hookTimeout: 30_000,
  },
});

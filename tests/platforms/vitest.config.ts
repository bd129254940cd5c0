// `npm run test:platforms`: the cross-environment checks (Node x86-64, headless Chromium, arm64 Node under
// qemu-user). Kept out of `npm test` because they need Debian's chromium and qemu-user-static
// (scripts/platforms/setup.sh installs both) and take tens of seconds.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['tests/platforms/**/*.platform.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    fileParallelism: false,
  },
});

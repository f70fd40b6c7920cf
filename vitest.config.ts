import solid from 'vite-plugin-solid';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Tests are test/**/*.test.ts; integration tests on real engines are named *.int.test.ts.
    // Each project sets its own include (Vitest concatenates arrays inherited with `extends`).
    // Integration tests start real engines (dockerd, dynalite, the local gateway); give them room.
    testTimeout: 30_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
    // Tests run the handlers on Node 20; the SDK's notice about dropping Node 20 is noise here.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    hookTimeout: 180_000,
    // Unit and integration apart so that the shared Docker engine starts only when integration tests
    // run: Vitest runs a project's globalSetup only if that project has test files in the run.
    // Components (test/web/components/*.test.tsx) run in jsdom; `vitest run` runs all three.
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/*.int.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.int.test.ts'],
          // One private dockerd for the whole run: tests read it with inject('dockerHost') and friends.
          globalSetup: ['test/support/global-docker.ts'],
        },
      },
      {
        extends: true,
        // Components rendered in jsdom with their real stores; the Solid plugin compiles their JSX
        // as the dashboard's build does (web/vite.config.ts), for the browser (not Solid's server build).
        plugins: [solid()],
        test: {
          name: 'components',
          include: ['test/web/components/**/*.test.tsx'],
          environment: 'jsdom',
          setupFiles: ['test/web/components/setup.ts'],
        },
      },
    ],
  },
});

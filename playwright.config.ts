import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './tests/chromium';

/** Port of the preview server; E2E_PORT lets two checkouts test side by side. */
const port = Number(process.env.E2E_PORT ?? 4173);

export default defineConfig({
	testDir: 'tests/e2e',
	timeout: 240_000,
	expect: { timeout: 30_000 },
	fullyParallel: false,
	workers: 1,
	retries: 0,
	reporter: [['list']],
	use: {
		baseURL: `http://localhost:${port}`,
		trace: 'off',
		launchOptions: chromiumLaunchOptions()
	},
	webServer: {
		command: `npx vite preview --port ${port} --strictPort`,
		url: `http://localhost:${port}`,
		reuseExistingServer: !process.env.CI,
		timeout: 60_000
	}
});

/**
 * The browser-test fixture every spec uses: fails the test on a console error (a Content Security Policy
 * violation included) or on any request to an origin other than the app's own.
 */
import { test as base, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

export interface Watch {
	consoleErrors: string[];
	foreignRequests: string[];
}

export const test = base.extend<{ watch: Watch }>({
	watch: async ({ page, baseURL }, use) => {
		const watch: Watch = { consoleErrors: [], foreignRequests: [] };
		const origin = new URL(baseURL ?? 'http://localhost:4173').origin;
		page.on('console', (m) => {
			if (m.type() === 'error') watch.consoleErrors.push(m.text());
		});
		page.on('pageerror', (e) => watch.consoleErrors.push(e.message));
		// Anything the Content Security Policy blocks is an error too.
		await page.addInitScript(() =>
			document.addEventListener('securitypolicyviolation', (e) =>
				console.error(`CSP blocked ${e.blockedURI || 'inline code'} (${e.violatedDirective})`)
			)
		);
		page.context().on('request', (r) => {
			const url = r.url();
			if (url.startsWith('data:') || url.startsWith('blob:')) return;
			if (new URL(url).origin !== origin) watch.foreignRequests.push(url);
		});
		await use(watch);
		expect(watch.foreignRequests, 'requests to other origins').toEqual([]);
		expect(watch.consoleErrors, 'console errors').toEqual([]);
	}
});

/** Runs axe-core on the page and returns the violations (WCAG 2 A/AA). */
export async function axe(page: Page) {
	const result = await new AxeBuilder({ page })
		.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
		.analyze();
	return result.violations.map(
		(v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`
	);
}

export { expect };

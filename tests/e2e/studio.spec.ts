/**
 * The studio as a first-time visitor meets it (a fresh profile each test): a melody in one click on the
 * first screen, the same with the keyboard alone in at most 10 Tabs, and an accessible name for every
 * control on the page at desktop and phone width.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { test, expect, axe } from './fixtures';

const HAS_DEFAULT_MODEL = existsSync(join(process.cwd(), 'static/models/default/model.json'));

/** The melody on show is playing: its playhead moves. */
async function expectPlaying(page: Page) {
	const playhead = page.locator('#generate').getByTestId('piano-roll').getByTestId('playhead');
	await expect(playhead).toBeAttached();
	const x0 = Number(await playhead.getAttribute('x1'));
	await expect.poll(async () => Number(await playhead.getAttribute('x1'))).toBeGreaterThan(x0);
}

test.describe('a first visit', () => {
	test.skip(!HAS_DEFAULT_MODEL, 'static/models/default (the bundled model) is not in this tree');
	test.use({ viewport: { width: 1280, height: 800 } });

	test('the first screen offers a melody in one click, and the click plays it', async ({ page, watch }) => {
		await page.goto('/');
		const generate = page.getByRole('button', { name: 'Generate', exact: true });
		await expect(generate).toBeEnabled();
		// On the first screen: no scrolling needed, and the page has not scrolled.
		await expect(generate).toBeInViewport({ ratio: 1 });
		expect(await page.evaluate(() => window.scrollY)).toBe(0);
		await generate.click();
		await expectPlaying(page);
		// A name a musician can read, and the focus on the result.
		const title = page.getByRole('heading', {
			level: 3,
			name: /^\p{Lu}\p{L}* tune in [A-G][♭♯]?( minor| Dorian| Mixolydian| Aeolian)?, 4\/4, \d+ bars?$/u
		});
		await expect(title).toBeFocused();
		expect(watch.consoleErrors).toEqual([]);
	});

	test('with the keyboard alone: Generate within 10 Tabs from the top, Enter plays a melody', async ({
		page,
		watch
	}) => {
		await page.goto('/');
		const generate = page.getByRole('button', { name: 'Generate', exact: true });
		await expect(generate).toBeEnabled();
		let tabs = 0;
		while (tabs < 10 && !(await generate.evaluate((b) => b === document.activeElement))) {
			await page.keyboard.press('Tab');
			tabs++;
		}
		await expect(generate).toBeFocused();
		expect(tabs).toBeLessThanOrEqual(10);
		await page.keyboard.press('Enter');
		await expectPlaying(page);
		await expect(page.getByRole('heading', { level: 3, name: /tune in/ })).toBeFocused();
		// Stop is the next stop after the melody's name.
		await page.keyboard.press('Tab');
		await expect(page.getByRole('button', { name: 'Stop', exact: true })).toBeFocused();
		await page.keyboard.press('Enter');
		await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeVisible();
		expect(watch.consoleErrors).toEqual([]);
	});
});

test('a returning visitor lands where they left off: the model, the settings and the last melody', async ({
	page
}) => {
	test.skip(!HAS_DEFAULT_MODEL, 'static/models/default (the bundled model) is not in this tree');
	await page.goto('/');
	await page.getByLabel('Length (bars)').fill('4');
	await page.getByLabel('Meter', { exact: true }).selectOption('3/4');
	await page.getByRole('button', { name: 'Generate', exact: true }).click();
	const title = page.getByRole('heading', { level: 3, name: /tune in .*, 3\/4, / });
	await expect(title).toBeVisible();
	const name = await title.textContent();
	const symbols = await page.getByTestId('melody-symbols').textContent();
	await page.reload();
	await expect(page.getByLabel('Length (bars)')).toHaveValue('4');
	await expect(page.getByLabel('Meter', { exact: true })).toHaveValue('3/4');
	await expect(page.getByRole('heading', { level: 3, name: name! })).toBeVisible();
	await expect(page.getByTestId('melody-symbols')).toHaveText(symbols!);
});

/** Every control's role and name as the accessibility tree gives it (Playwright's aria snapshot). */
async function controls(page: Page): Promise<{ control: Locator; role: string; name: string }[]> {
	const out = [];
	for (const control of await page.locator('input, select, textarea, button').all()) {
		if (!(await control.isVisible())) continue;
		let line = (await control.ariaSnapshot()).split('\n')[0];
		// YAML quotes a line that holds a colon: - 'radio "None: the model begins"'
		if (line.startsWith("- '")) line = `- ${line.slice(3, -1).replaceAll("''", "'")}`;
		const m = /^- (\w+)(?: "((?:[^"\\]|\\.)*)")?/.exec(line);
		out.push({ control, role: m?.[1] ?? `? ${line}`, name: m?.[2] ?? '' });
	}
	return out;
}

for (const width of [1280, 360]) {
	test(`every control has an accessible name at ${width} px, and axe finds nothing`, async ({
		page,
		watch
	}) => {
		await page.setViewportSize({ width, height: 800 });
		await page.goto('/');
		// Everything the page can show: a corpus and its report, a melody, every details panel open.
		await page.getByRole('button', { name: 'Load demo corpus' }).click();
		await expect(page.getByRole('region', { name: /Summary of “Essen sample/ })).toBeVisible({
			timeout: 60_000
		});
		if (HAS_DEFAULT_MODEL) {
			await page.getByRole('button', { name: 'Generate', exact: true }).click();
			await expect(page.getByTestId('piano-roll')).toBeVisible();
			await page.locator('#generate').getByRole('button', { name: 'Stop', exact: true }).click();
		}
		await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
		const found = await controls(page);
		expect(found.length).toBeGreaterThan(40);
		const unnamed = found.filter((c) => !c.name.trim()).map((c) => c.role);
		expect(unnamed, 'controls without an accessible name').toEqual([]);
		// And each is reachable by that role and name, as a screen-reader user would ask for it.
		for (const { role, name } of found)
			expect(
				await page.getByRole(role as 'button', { name, exact: true }).count(),
				`${role} "${name}"`
			).toBeGreaterThan(0);
		expect((await page.getByRole('slider', { name: 'Temperature', exact: true }).all()).length).toBe(1);
		expect(await axe(page)).toEqual([]);
		if (width === 360)
			expect(
				await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
			).toBeLessThanOrEqual(0);
		expect(watch.consoleErrors).toEqual([]);
	});
}

/**
 * What a musician expects of the Generate button: a new tune on every click (the random seed used is named
 * each time), and the same tune again when they keep the seed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from '@playwright/test';
import { test, expect } from './fixtures';

const HAS_DEFAULT_MODEL = existsSync(join(process.cwd(), 'static/models/default/model.json'));

/** Clicks Generate and returns the random seed the status names and the tune on show. */
async function generateOnce(stage: Locator) {
	const symbols = stage.getByTestId('melody-symbols');
	const before = (await symbols.count()) ? Number(await symbols.getAttribute('data-run')) : 0;
	await stage.getByRole('button', { name: 'Generate', exact: true }).click();
	// The result of this run, not the one before: the run counter has moved on and the status names it.
	await expect(symbols).toHaveAttribute('data-run', String(before + 1));
	const status = stage.getByRole('status').filter({ hasText: /Generat/ });
	await expect(status).toHaveText(/Generated 1 melody in \d+ ms with random seed \d+/);
	const text = (await status.textContent())!;
	const seed = /random seed (\d+)/.exec(text)![1];
	const tune = (await symbols.textContent())!.trim();
	return { seed, tune };
}

test.describe('Generate, again and again', () => {
	test.skip(!HAS_DEFAULT_MODEL, 'static/models/default (the bundled model) is not in this tree');

	test('five clicks give five different tunes and name each seed; a kept seed writes the same tune twice', async ({
		page,
		watch
	}) => {
		await page.goto('/');
		const stage = page.locator('#generate');
		await expect(stage.getByTestId('model-picker')).toHaveValue('default');
		const runs: { seed: string; tune: string }[] = [];
		for (let i = 0; i < 5; i++) runs.push(await generateOnce(stage));
		expect(new Set(runs.map((r) => r.seed)).size).toBe(5);
		expect(new Set(runs.map((r) => r.tune)).size).toBe(5);

		// Keep the last seed: two more clicks write that same tune.
		await stage.getByText('Shape it: seed, temperature, variations').click();
		await expect(stage.getByLabel('Random seed')).toHaveValue(runs[4].seed);
		await stage.getByLabel('Keep this seed').check();
		const kept1 = await generateOnce(stage);
		const kept2 = await generateOnce(stage);
		expect(kept1.seed).toBe(runs[4].seed);
		expect(kept2.seed).toBe(runs[4].seed);
		expect(kept1.tune).toBe(runs[4].tune);
		expect(kept2.tune).toBe(runs[4].tune);
		// Typing a seed keeps it too: the tune of seed 5 twice.
		await stage.getByLabel('Keep this seed').uncheck();
		await stage.getByLabel('Random seed').fill('5');
		await expect(stage.getByLabel('Keep this seed')).toBeChecked();
		const five1 = await generateOnce(stage);
		const five2 = await generateOnce(stage);
		expect([five1.seed, five2.seed]).toEqual(['5', '5']);
		expect(five2.tune).toBe(five1.tune);
		expect(watch.consoleErrors).toEqual([]);
	});
});

import { test, expect, axe } from './fixtures';

test('the app loads with its name, Generate first, then the corpus and training steps, and passes axe', async ({
	page,
	watch
}) => {
	await page.goto('/');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Folk Melody Studio');
	await expect(page.getByRole('heading', { level: 2 })).toHaveText([
		'Generate a melody',
		'Make your own model'
	]);
	for (const stage of ['Corpus', 'Train'])
		await expect(page.getByRole('heading', { level: 3, name: new RegExp(stage) })).toBeVisible();
	expect(await axe(page)).toEqual([]);
	expect(watch.foreignRequests).toEqual([]);
});

test('the layout fits a phone screen without horizontal scrolling', async ({ page, watch }) => {
	await page.setViewportSize({ width: 360, height: 740 });
	await page.goto('/');
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	expect(overflow).toBeLessThanOrEqual(0);
	expect(watch.consoleErrors).toEqual([]);
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from '@playwright/test';
import { test, expect, axe } from './fixtures';
import { repoRoot } from '../shared';
import { toNotes } from '../../src/lib/formats/notes';
import { readKern } from '../../src/lib/kern/reader';
import { encodeSong } from '../../src/lib/encoding/encode';

/** The melody note under the highlight, or -1 when none is lit. */
async function litNote(score: Locator): Promise<number> {
	const lit = score.locator('g.note.playing').first();
	if ((await lit.count()) === 0) return -1;
	return Number(await lit.getAttribute('data-note'));
}

/** Every SVG note carries the index of its melody note; tied pieces are marked, so heads = notes. */
async function expectNotes(score: Locator, count: number) {
	await expect(score.locator('g.note:not([data-tied])')).toHaveCount(count);
	expect(await score.locator('g.note:not([data-note])').count()).toBe(0);
	const indexes = await score
		.locator('g.note')
		.evaluateAll((els) => [...new Set(els.map((e) => Number(e.getAttribute('data-note'))))]);
	expect(indexes.sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));
}

/** Waits until the highlight has moved past the note lit first. */
async function expectHighlightMoves(score: Locator) {
	await expect.poll(() => litNote(score), { timeout: 20_000 }).toBeGreaterThanOrEqual(0);
	const first = await litNote(score);
	await expect.poll(() => litNote(score), { timeout: 20_000 }).toBeGreaterThan(first);
}

test('generate with the bundled model, read it as a score that follows the sound, change voice and tempo', async ({
	page,
	watch
}) => {
	await page.goto('/');
	const stage = page.locator('#generate');
	await expect(stage.getByTestId('model-picker')).toHaveValue('default');
	await stage.getByText('Shape it: seed, temperature, variations').click();
	await stage.getByLabel('Random seed').fill('7');
	await stage.getByLabel('Mode', { exact: true }).selectOption({ label: 'major' });
	await stage.getByRole('button', { name: 'Generate', exact: true }).click();
	await expect(stage.getByText(/Generated 1 melody in \d+ ms/)).toBeVisible();
	const symbols = (await stage.getByTestId('melody-symbols').textContent())!.trim().split(' ');
	const notes = toNotes(symbols).length;
	expect(notes).toBeGreaterThan(3);

	// The piano roll is the first view; the score is engraved when asked for.
	await expect(stage.getByTestId('piano-roll')).toBeVisible();
	await stage.getByLabel('Score', { exact: true }).check();
	const score = stage.getByTestId('score');
	await expect(score.locator('svg').first()).toBeVisible();
	await expect(stage.getByTestId('piano-roll')).toHaveCount(0);
	await expectNotes(score, notes);
	await expect(
		score.getByRole('img', { name: new RegExp(`${notes} notes in \\d+ bars of 4/4`) })
	).toBeVisible();
	// C major: no key signature; moved to G major, one sharp at the start of every line of music.
	const sharpsPerLine = () =>
		score.evaluate((el) =>
			[...el.querySelectorAll('.system')].map((s) => s.querySelectorAll('.keyAccid').length)
		);
	await expect(score.locator('.keyAccid')).toHaveCount(0);
	await stage.getByLabel('Key', { exact: true }).selectOption({ label: 'G' });
	await expect
		.poll(async () => {
			const lines = await sharpsPerLine();
			return lines.length > 0 && lines.every((n) => n === 1);
		})
		.toBe(true);
	await expectNotes(score, notes);

	// Play: the lit note moves through the melody.
	await stage.getByRole('button', { name: 'Play', exact: true }).click();
	await expectHighlightMoves(score);

	// Another voice and tempo while it plays; the highlight keeps moving.
	await stage.getByLabel('Voice').selectOption({ label: 'Flute' });
	await stage.getByLabel('Tempo (BPM)').fill('180');
	await expectHighlightMoves(score);
	await stage.getByRole('button', { name: 'Stop' }).click();
	await expect(score.locator('g.note.playing')).toHaveCount(0);

	// With a count-in and the metronome, the first note lights up only after a bar of clicks. The page
	// records every change of the highlight with its time, so no check races the clock (a first note of a
	// 16th lights for only 250 ms at 60 BPM), and a busy machine can only make the light come later.
	await stage.getByLabel('Count in one bar').check();
	await stage.getByLabel('Metronome').check();
	await stage.getByLabel('Tempo (BPM)').fill('60');
	type Lit = { litLog: { note: number; at: number }[]; playAt: number };
	await score.evaluate((el) => {
		const w = window as unknown as Lit;
		w.litLog = [];
		new MutationObserver(() => {
			const lit = el.querySelector('g.note.playing');
			const note = lit ? Number(lit.getAttribute('data-note')) : -1;
			if (note >= 0 && w.litLog.at(-1)?.note !== note) w.litLog.push({ note, at: performance.now() });
		}).observe(el, { subtree: true, childList: true, attributes: true, attributeFilter: ['class'] });
		w.playAt = performance.now();
	});
	await stage.getByRole('button', { name: 'Play', exact: true }).click();
	await expect(stage.getByRole('button', { name: 'Stop' })).toBeVisible();
	await expect
		.poll(() => page.evaluate(() => (window as unknown as Lit).litLog.length), { timeout: 20_000 })
		.toBeGreaterThan(0);
	const first = await page.evaluate(() => {
		const w = window as unknown as Lit;
		return { note: w.litLog[0].note, after: w.litLog[0].at - w.playAt };
	});
	// The melody's first note, and a bar of 4/4 at 60 BPM (4 s) after Play at the soonest (less a second
	// for the audio clock's start).
	expect(first.note).toBe(0);
	expect(first.after).toBeGreaterThan(3000);
	await stage.getByRole('button', { name: 'Stop' }).click();

	// The sound settings survive a reload, and so does the melody on show (a returning visitor lands
	// where they left off).
	await page.reload();
	await expect(stage.getByTestId('melody-symbols')).toHaveText(symbols.join(' '));
	await stage.getByRole('button', { name: 'Generate', exact: true }).click();
	await expect(stage.getByLabel('Voice')).toHaveValue('flute');
	await expect(stage.getByLabel('Tempo (BPM)')).toHaveValue('60');
	await expect(stage.getByLabel('Count in one bar')).toBeChecked();

	// The score fits a phone screen and passes the accessibility checks.
	await stage.getByLabel('Score', { exact: true }).check();
	await expect(score.locator('svg').first()).toBeVisible();
	await page.setViewportSize({ width: 360, height: 740 });
	await expect
		.poll(() => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth))
		.toBeLessThanOrEqual(0);
	expect(await axe(page)).toEqual([]);
	expect(watch.consoleErrors).toEqual([]);
});

test('a corpus song opens from the import report as a score in its own key, and plays', async ({
	page,
	watch
}) => {
	await page.goto('/');
	await page.getByRole('button', { name: 'Load demo corpus' }).click();
	await expect(page.getByRole('region', { name: /Summary of “Essen sample/ })).toBeVisible();
	const corpus = page.locator('#corpus');
	const open = corpus.getByRole('button', { name: /^Open / }).first();
	const path = (await open.getAttribute('aria-label'))!.replace(/^Open /, '');
	await open.click();

	// The same file read by the project's reader in Node: its notes, key and meter.
	const read = readKern(readFileSync(join(repoRoot, 'static', 'demo', path)), path);
	if (!read.ok) throw new Error(read.reason);
	const encoded = encodeSong(read.song);
	if (encoded.status !== 'kept') throw new Error(encoded.reason);
	const song = corpus.getByTestId('song-score');
	await expect(song.getByRole('heading', { level: 3 })).toBeFocused();
	const score = song.getByTestId('score');
	await expect(score.locator('svg').first()).toBeVisible();
	await expectNotes(score, toNotes(encoded.song.symbols).length);
	if (read.song.meter) await expect(song.getByText(read.song.meter, { exact: false }).first()).toBeVisible();

	await song.getByRole('button', { name: 'Play', exact: true }).click();
	await expectHighlightMoves(score);
	await song.getByRole('button', { name: 'Stop' }).click();
	expect(await axe(page)).toEqual([]);
	await song.getByRole('button', { name: /^Close/ }).click();
	await expect(song).toHaveCount(0);
	expect(watch.consoleErrors).toEqual([]);
});

test('offline after one visit: Verovio comes from the service worker’s cache and engraves', async ({
	page,
	context,
	watch
}) => {
	await page.goto('/');
	// Nothing has asked for a score yet: Verovio is precached with the build, not fetched by the page.
	await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 60_000 });
	await expect(page.getByTestId('online-status')).toHaveText(/ready to work offline/);
	const loaded = await page.evaluate(() =>
		performance.getEntriesByType('resource').filter((r) => r.name.includes('score.worker'))
	);
	expect(loaded).toEqual([]);
	await context.setOffline(true);
	try {
		await page.reload();
		const stage = page.locator('#generate');
		await expect(stage.getByTestId('model-picker')).toHaveValue('default');
		await stage.getByRole('button', { name: 'Generate', exact: true }).click();
		await expect(stage.getByText(/Generated 1 melody in \d+ ms/)).toBeVisible();
		const symbols = (await stage.getByTestId('melody-symbols').textContent())!.trim().split(' ');
		await stage.getByLabel('Score', { exact: true }).check();
		await expectNotes(stage.getByTestId('score'), toNotes(symbols).length);
	} finally {
		await context.setOffline(false);
	}
	expect(watch.foreignRequests).toEqual([]);
});

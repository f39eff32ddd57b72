/**
 * MIDI seeds never hold up the page (issue 25): a file of 100,000 notes and the 37-byte file of one note
 * 2^28 ticks long are read in the worker, and each gives its answer with no task on the page's thread
 * over 200 ms. Long tasks are counted by a PerformanceObserver installed before the app starts; each
 * check waits for the answer's text, never for a time.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from './fixtures';
import { repoRoot } from '../shared';
import { midiToSeed } from '../../src/lib/formats/midi-in';
import { formatSymbols } from '../../src/lib/generate/seed';
import { longNote, manyNotes, twelveNotes } from '../lib/formats/midi-files';

type Watched = Window & { longTasks: number[] };

test('a MIDI seed of 100,000 notes or of one note 2^28 ticks long: an answer, and no long task on the page', async ({
	page,
	watch
}) => {
	await page.addInitScript(() => {
		const w = window as unknown as Watched;
		w.longTasks = [];
		new PerformanceObserver((list) => {
			for (const e of list.getEntries()) w.longTasks.push(e.duration);
		}).observe({ type: 'longtask', buffered: true });
	});
	const vocabulary: string[] = JSON.parse(
		readFileSync(join(repoRoot, 'static/models/default/metadata.json'), 'utf8')
	).vocabulary;
	const dir = mkdtempSync(join(tmpdir(), 'midi-seed-'));
	const files = {
		many: { path: join(dir, 'piano-100000.mid'), bytes: manyNotes(100_000) },
		long: { path: join(dir, 'long-note.mid'), bytes: longNote() },
		cut: { path: join(dir, 'cut.mid'), bytes: twelveNotes().subarray(0, 64) }
	};
	for (const f of Object.values(files)) writeFileSync(f.path, f.bytes);
	const expected = (bytes: Uint8Array, bars: number) =>
		formatSymbols(midiToSeed(bytes, { bars, vocabulary }).symbols);

	await page.goto('/');
	const stage = page.locator('#generate');
	await expect(stage.getByTestId('model-picker')).toHaveValue('default');
	await stage.getByText('Shape it: seed, temperature, variations').click();
	await stage.getByLabel('From a MIDI file').check();

	/** Runs `act`, waits for `answer`, and gives the longest task on the page's thread meanwhile (ms). */
	const longestTask = async (act: () => Promise<void>, answer: () => Promise<void>) => {
		await page.evaluate(() => ((window as unknown as Watched).longTasks = []));
		const t0 = Date.now();
		await act();
		await answer();
		const ms = Date.now() - t0;
		// Entries are delivered after the frame that ends a task: let one frame pass before reading them.
		await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
		const tasks = await page.evaluate(() => (window as unknown as Watched).longTasks);
		test.info().annotations.push({
			type: 'timing',
			description: `answer in ${ms} ms; long tasks ${JSON.stringify(tasks)}`
		});
		return Math.max(0, ...tasks);
	};
	const picker = stage.getByLabel('Choose a MIDI file');
	const seed = stage.getByTestId('midi-seed');

	// 100,000 notes: its first two bars, then its first 16.
	expect(
		await longestTask(
			() => picker.setInputFiles(files.many.path),
			() => expect(seed).toHaveText(expected(files.many.bytes, 2))
		)
	).toBeLessThan(200);
	await expect(stage.getByTestId('midi-summary')).toContainText('Took the highest line of track 1 (“Piano”)');
	expect(
		await longestTask(
			() => stage.getByLabel('First bars').fill('16'),
			() => expect(seed).toHaveText(expected(files.many.bytes, 16))
		)
	).toBeLessThan(200);
	await expect(stage.getByRole('button', { name: 'Generate', exact: true })).toBeEnabled();

	// One note of 2^28 ticks at 1 tick per quarter: held through the bars asked for.
	expect(
		await longestTask(
			() => picker.setInputFiles(files.long.path),
			() => expect(seed).toHaveText(expected(files.long.bytes, 16))
		)
	).toBeLessThan(200);
	expect((await seed.textContent())!.split(' ')).toHaveLength(16 * 16);

	// A file cut short says so, and the Generate button waits for a seed.
	await picker.setInputFiles(files.cut.path);
	await expect(stage.getByRole('alert')).toHaveText(
		'“cut.mid” ends in the middle of a track: it seems cut short.'
	);
	await expect(stage.getByRole('button', { name: 'Generate', exact: true })).toBeDisabled();
	expect(watch.consoleErrors).toEqual([]);
});

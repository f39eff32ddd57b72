/**
 * What a musician expects of the Generate button: a new tune on every click (the random seed used is named
 * each time), and the same tune again when they keep the seed; a key and a mode that the title, the score, the
 * player's voice range and every export agree on.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { Midi } from '../../src/lib/formats/midi';
import { VOICE_RANGES } from '../../src/lib/music/register';
import { VOICES } from '../../src/lib/playback/voices';

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

/** The file a download button gives, as text or bytes. */
async function downloaded(page: Page, stage: Locator, button: string): Promise<Buffer> {
	const [file] = await Promise.all([
		page.waitForEvent('download'),
		stage.getByRole('button', { name: button }).click()
	]);
	return readFileSync((await file.path())!);
}

test.describe('Generate in a key and mode', () => {
	test.skip(!HAS_DEFAULT_MODEL, 'static/models/default (the bundled model) is not in this tree');

	const cases = [
		{
			tonic: 'D',
			mode: 'Dorian',
			title: 'D Dorian',
			voice: 'Flute',
			abc: /^K:\s*D\s*dor/im,
			fifths: 0,
			xmlMode: 'dorian',
			midi: { key: 'C', scale: 'minor' },
			scale: [2, 4, 5, 7, 9, 11, 0]
		},
		{
			tonic: 'B♭',
			mode: 'major',
			// A major key is named by its tonic alone, as musicians say "a tune in B♭".
			title: 'B♭',
			voice: 'Soft piano',
			abc: /^K:\s*Bb\s*(maj)?\s*$/im,
			fifths: -2,
			xmlMode: 'major',
			midi: { key: 'Bb', scale: 'major' },
			scale: [10, 0, 2, 3, 5, 7, 9]
		}
	];
	for (const c of cases)
		test(`${c.tonic} ${c.mode} on the ${c.voice}: the title, the score and every export agree, in the voice's range`, async ({
			page,
			watch
		}) => {
			await page.goto('/');
			const stage = page.locator('#generate');
			await expect(stage.getByTestId('model-picker')).toHaveValue('default');
			await stage.getByLabel('Key', { exact: true }).selectOption({ label: c.tonic });
			await stage.getByLabel('Mode', { exact: true }).selectOption({ label: c.mode });
			await generateOnce(stage);
			// The voice chosen after the tune moves it into its range at once.
			await stage.getByRole('combobox', { name: 'Voice' }).selectOption({ label: c.voice });
			const name = c.title;
			await expect(
				stage.getByRole('heading', { level: 3, name: new RegExp(`tune in ${name},`) })
			).toBeVisible();

			const abc = (await downloaded(page, stage, 'Download ABC')).toString('utf8');
			expect(abc).toMatch(c.abc);
			const xml = (await downloaded(page, stage, 'Download MusicXML')).toString('utf8');
			expect(xml).toContain(`<fifths>${c.fifths}</fifths>`);
			expect(xml).toContain(`<mode>${c.xmlMode}</mode>`);
			const midi = new Midi(await downloaded(page, stage, 'Download MIDI'));
			expect(midi.header.keySignatures[0]).toMatchObject(c.midi);
			const pitches = midi.tracks.flatMap((t) => t.notes.map((n) => n.midi));
			expect(pitches.length).toBeGreaterThan(8);
			const range = VOICE_RANGES[VOICES.find((v) => v.name === c.voice)!.id];
			for (const p of pitches) {
				expect(p).toBeGreaterThanOrEqual(range.low);
				expect(p).toBeLessThanOrEqual(range.high);
				expect(c.scale).toContain(p % 12);
			}
			// The roll shows the same notes as the file: its lowest and highest rows.
			const roll = stage.getByTestId('piano-roll');
			await expect(roll).toBeVisible();
			await stage.getByLabel('Score', { exact: true }).check();
			await expect(stage.getByRole('img', { name: new RegExp(`, ${c.tonic} ${c.mode}[,.]`) })).toBeVisible();
			expect(watch.consoleErrors).toEqual([]);
		});
});

test.describe('Share a link', () => {
	test.skip(!HAS_DEFAULT_MODEL, 'static/models/default (the bundled model) is not in this tree');

	test('a shared link opened in a fresh browser shows and exports the same tune, in its key', async ({
		page,
		browser,
		watch
	}) => {
		await page.goto('/');
		const stage = page.locator('#generate');
		await expect(stage.getByTestId('model-picker')).toHaveValue('default');
		await stage.getByLabel('Key', { exact: true }).selectOption({ label: 'G' });
		await stage.getByLabel('Mode', { exact: true }).selectOption({ label: 'Mixolydian' });
		await stage.getByLabel('Meter', { exact: true }).selectOption('6/8');
		const { tune } = await generateOnce(stage);
		const title = (await stage.getByRole('heading', { level: 3, name: /tune in/ }).textContent())!.trim();
		expect(title).toMatch(/G Mixolydian, 6\/8/);
		const abc = (await downloaded(page, stage, 'Download ABC')).toString('utf8');
		await stage.getByRole('button', { name: 'Share a link' }).click();
		const link = await stage.getByLabel('Link to this tune').inputValue();
		expect(link).toMatch(/#tune=v1\./);

		// A fresh profile: nothing stored, nothing remembered.
		const other = await browser.newContext();
		const fresh = await other.newPage();
		await fresh.goto(link);
		const there = fresh.locator('#generate');
		await expect(there.getByTestId('melody-symbols')).toHaveText(tune);
		await expect(there.getByRole('heading', { level: 3, name: title })).toBeVisible();
		await expect(there.getByRole('status').filter({ hasText: /from a link/ })).toBeVisible();
		expect((await downloaded(fresh, there, 'Download ABC')).toString('utf8')).toBe(abc);
		// The fragment is cleared once read: a reload shows the tune remembered, not the link again.
		expect(new URL(fresh.url()).hash).toBe('');
		await other.close();

		// A link that holds no tune says why, and the page works on (a new page: a hash change alone does
		// not load the page again).
		const garbled = await page.context().newPage();
		await garbled.goto('/#tune=v1.garbled');
		const stage2 = garbled.locator('#generate');
		await expect(stage2.getByRole('alert')).toHaveText(
			/This link does not hold a tune: it is cut or garbled/
		);
		await expect(stage2.getByRole('button', { name: 'Generate', exact: true })).toBeEnabled();
		expect(watch.consoleErrors).toEqual([]);
	});
});

/** ABC in the app: a tune book dropped in step 1 (one report row per tune, stored), and a tune pasted as the seed. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, axe } from './fixtures';
import { repoRoot } from '../shared';

const BOOK = readFileSync(join(repoRoot, 'tests/fixtures/abc/features.abc'));
const TUNES = (BOOK.toString('utf8').match(/^X:/gm) ?? []).length;

test('drops an ABC tune book: one report row per tune with its X: and title, stored after a reload', async ({
	page,
	watch
}) => {
	await page.goto('/');
	const stage = page.locator('#corpus');
	await stage.getByTestId('pick-files').setInputFiles({
		name: 'features.abc',
		mimeType: 'text/vnd.abc',
		buffer: BOOK
	});
	const summary = stage.getByRole('region', { name: /Summary of “features”/ });
	await expect(summary).toBeVisible();
	await expect(stage.getByText(`all files (${TUNES})`)).toBeAttached();
	await expect(stage.getByText('features.abc — X:1 The Test Reel')).toBeVisible();
	await stage.getByLabel('Show').selectOption('skipped');
	await expect(stage.getByText(/X:6 "No Key Field": The tune has no K: field/)).toBeVisible();
	await stage.getByLabel('Show').selectOption('all');
	const kept = Number(await summary.getByTestId('summary-songs').textContent());
	expect(kept).toBe(7);
	// A kept tune opens by its own row, though every tune shares the file.
	await stage.getByRole('button', { name: 'Open features.abc — X:2 Mixolydian Jig' }).click();
	expect(await axe(page)).toEqual([]);
	await page.reload();
	await expect(
		page.locator('#corpus').getByTestId('stored-corpus').filter({ hasText: 'features' })
	).toBeVisible();
	expect(watch.consoleErrors).toEqual([]);
});

test('an ABC tune pasted as the seed starts the melody, in the model’s key', async ({ page, watch }) => {
	await page.goto('/');
	const stage = page.locator('#generate');
	await expect(stage.getByTestId('model-picker')).toHaveValue('default');
	await stage.getByText('Shape it: seed, temperature, variations').click();
	await stage.getByLabel('From an ABC tune').check();
	await expect(stage.getByRole('button', { name: 'Generate', exact: true })).toBeDisabled();
	await stage.getByLabel(/^ABC tune/).fill('X:4\nT:Seed in D\nM:2/4\nL:1/8\nK:D\nDF AF|E2 D2|]\n');
	// D major moved down two semitones to C major: C E G E | D _ C _ (8ths).
	const twoBars = '60 _ 64 _ 67 _ 64 _ 62 _ _ _ 60 _ _ _';
	await expect(stage.getByTestId('abc-seed')).toHaveText(twoBars);
	await expect(stage.getByTestId('abc-summary')).toContainText('key D major, moved down 2 semitones');
	await expect(stage.getByLabel('Meter', { exact: true })).toHaveValue('2/4');
	await stage.getByLabel('Random seed').fill('5');
	await stage.getByRole('button', { name: 'Generate', exact: true }).click();
	await expect(stage.getByText(/Generated 1 melody in \d+ ms/)).toBeVisible();
	const shown = (await stage.getByTestId('melody-symbols').textContent())!.trim().split(' ');
	expect(shown.slice(0, 16).join(' ')).toBe(twoBars);
	expect(shown.length).toBeGreaterThan(16);
	expect(watch.consoleErrors).toEqual([]);
});

test('trains Quick on an ABC tune book and generates with the new model', async ({ page, watch }) => {
	await page.goto('/');
	await page.locator('#corpus').getByTestId('pick-files').setInputFiles({
		name: 'features.abc',
		mimeType: 'text/vnd.abc',
		buffer: BOOK
	});
	await expect(page.locator('#corpus').getByRole('region', { name: /Summary of “features”/ })).toBeVisible();
	const train = page.locator('#train');
	await train.scrollIntoViewIfNeeded();
	const form = page.getByRole('form', { name: 'Training settings' });
	await form.getByRole('radio', { name: /^Quick/ }).check();
	await form.getByText('Advanced settings').click();
	await form.getByLabel('Name', { exact: true }).fill('abc book');
	await form.getByLabel('Units', { exact: true }).fill('16');
	await form.getByLabel('Epochs', { exact: true }).fill('1');
	await form.getByLabel('Batch size', { exact: true }).fill('8');
	await form.getByRole('combobox', { name: /^Backend/ }).selectOption('cpu');
	await train.getByRole('button', { name: 'Start training' }).click();
	await expect(train.getByRole('status').filter({ hasText: /“abc book” finished/ })).toBeVisible({
		timeout: 150_000
	});
	const stage = page.locator('#generate');
	const picker = stage.getByTestId('model-picker');
	const value = await picker.locator('option', { hasText: 'abc book' }).first().getAttribute('value');
	await picker.selectOption(value!);
	await expect(stage.getByRole('button', { name: 'Generate', exact: true })).toBeEnabled();
	await stage.getByRole('button', { name: 'Generate', exact: true }).click();
	await expect(stage.getByText(/Generated 1 melody in \d+ ms/)).toBeVisible();
	expect(watch.consoleErrors).toEqual([]);
});

test('a MIDI file of several tracks: the report offers them, and another track reads the drop again', async ({
	page,
	watch
}) => {
	await page.goto('/');
	const stage = page.locator('#corpus');
	await stage.getByTestId('pick-files').setInputFiles({
		name: 'AchreidhJigThe.mid',
		mimeType: 'audio/midi',
		buffer: readFileSync(join(repoRoot, 'tests/fixtures/midi/AchreidhJigThe.mid'))
	});
	await expect(stage.getByText(/Melody from track 1 .*the most notes of 2 monophonic tracks/)).toBeVisible();
	const track = stage.getByLabel('Track of AchreidhJigThe.mid');
	await expect(track).toHaveValue('1');
	await expect(track.locator('option')).toHaveText([
		/^1: .*\(162 notes, one line\)$/,
		/^2: .*\(65 notes, one line\)$/,
		/^3: .*\(192 notes, chords\)$/
	]);
	await track.selectOption('2');
	await expect(stage.getByText(/Melody from track 2 .*\(as chosen\)/)).toBeVisible();
	await expect(stage.getByLabel('Track of AchreidhJigThe.mid')).toHaveValue('2');
	expect(await axe(page)).toEqual([]);
	expect(watch.consoleErrors).toEqual([]);
});

/**
 * Editing a note in the piano roll: select one, move it up, make it longer, make another a rest; the roll,
 * the MIDI and ABC files and "Continue it" take the edited tune; Undo goes back. With the mouse at 1280 px
 * and with the keyboard alone at 360 px; the roll fits the width (or scrolls inside itself with its bar
 * numbers), names its rows as the key spells them, and axe finds nothing with the edit bar in use.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import abcjs from 'abcjs';
import { test, expect, axe } from './fixtures';
import { fromMidi } from '../../src/lib/formats/midi';
import { toNotes } from '../../src/lib/formats/notes';

const HAS_DEFAULT_MODEL = existsSync(join(process.cwd(), 'static/models/default/model.json'));
/** B♭ major's pitch classes. */
const B_FLAT_MAJOR = [10, 0, 2, 3, 5, 7, 9];

interface Note {
	pitch: number;
	start: number;
	length: number;
}

/** The notes the roll draws (as they sound), in order. */
async function rollNotes(roll: Locator): Promise<Note[]> {
	return roll.locator('rect.note').evaluateAll((rects) =>
		rects.map((r) => ({
			pitch: Number(r.getAttribute('data-pitch')),
			start: Number(r.getAttribute('data-start')),
			length: Number(r.getAttribute('data-length'))
		}))
	);
}

const noteAt = (roll: Locator, start: number) => roll.locator(`rect.note[data-start="${start}"]`);

/** The notes abcjs hears in an ABC tune: MIDI pitch, start and length in 16ths (ties joined). */
function abcNotes(abc: string): Note[] {
	const [tune] = abcjs.parseOnly(abc);
	const audio = tune.setUpAudio({}) as unknown as {
		tracks: { cmd: string; pitch: number; start: number; duration: number }[][];
	};
	return audio.tracks
		.flat()
		.filter((e) => e.cmd === 'note')
		.map((e) => ({ pitch: e.pitch, start: Math.round(e.start * 16), length: Math.round(e.duration * 16) }));
}

/** Presses Tab (Shift+Tab with `back`), the keyboard alone, until `target` has the focus. */
async function tabTo(page: Page, target: Locator, most = 60, back = false) {
	for (let i = 0; i < most; i++) {
		if (await target.evaluate((el) => el === document.activeElement)) return;
		await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
	}
	await expect(target).toBeFocused();
}

/** The file a download gives, after `press` (a click, or Enter on the focused button). */
async function download(page: Page, press: () => Promise<void>): Promise<Buffer> {
	const [file] = await Promise.all([page.waitForEvent('download'), press()]);
	return readFileSync((await file.path())!);
}

/** The symbols on show (in the model's key), and the count of runs so far. */
async function shown(stage: Locator) {
	const symbols = stage.getByTestId('melody-symbols');
	return {
		tune: (await symbols.textContent())!.trim(),
		run: Number(await symbols.getAttribute('data-run'))
	};
}

/** Opens the studio in B♭ major with a kept random seed (the same tune every time). */
async function openInBFlat(page: Page, stage: Locator) {
	await page.goto('/');
	await expect(stage.getByTestId('model-picker')).toHaveValue('default');
	await stage.getByLabel('Key', { exact: true }).selectOption({ label: 'B♭' });
	await stage.getByLabel('Mode', { exact: true }).selectOption({ label: 'major' });
	await stage.getByText('Shape it: seed, temperature, variations').click();
	await stage.getByLabel('Random seed').fill('11');
	await expect(stage.getByLabel('Keep this seed')).toBeChecked();
}

/** A note to edit: one that is not the last (so it can be longer) and lasts less than a bar. */
function pick(notes: Note[], from: number): Note {
	return notes.slice(from, -1).find((n) => n.length < 16)!;
}

test.describe('Edit a note', () => {
	test.skip(!HAS_DEFAULT_MODEL, 'static/models/default (the bundled model) is not in this tree');

	test('with the mouse at 1280 px: up, longer, a rest, exported, shared, undone, kept, continued', async ({
		page,
		browser,
		watch
	}) => {
		await page.setViewportSize({ width: 1280, height: 800 });
		const stage = page.locator('#generate');
		await openInBFlat(page, stage);
		await stage.getByRole('button', { name: 'Generate', exact: true }).click();
		await expect(stage.getByTestId('melody-symbols')).toHaveAttribute('data-run', '1');
		await stage.getByRole('button', { name: 'Stop', exact: true }).click();
		const roll = stage.getByTestId('piano-roll');

		// The whole tune is in view: nothing to scroll, the last bar's number on show inside the roll.
		const scroller = stage.getByTestId('roll-scroll');
		const fits = await scroller.evaluate((el) => el.scrollWidth - el.clientWidth);
		expect(fits).toBeLessThanOrEqual(0);
		const bars = await stage.getByTestId('roll-bars').locator('text').allTextContents();
		expect(bars[0]).toBe('1');
		expect(bars.at(-1)).toBe('8');
		const box = (await scroller.boundingBox())!;
		const last = (await stage.getByTestId('roll-bars').locator('text').last().boundingBox())!;
		expect(last.x + last.width).toBeLessThanOrEqual(box.x + box.width);

		// Rows: every C and the tonic named, spelled for B♭ major (never A♯).
		const names = await stage.getByTestId('roll-names').locator('text').allTextContents();
		expect(names.some((n) => /^C\d$/.test(n))).toBe(true);
		expect(names.some((n) => /^B♭\d$/.test(n))).toBe(true);
		expect(names.join(' ')).not.toMatch(/♯|#/);
		const labels = await roll
			.locator('rect.note')
			.evaluateAll((r) => r.map((e) => e.getAttribute('aria-label')!));
		for (const label of labels)
			expect(label).toMatch(
				/^[A-G]♭?\d, (sixteenth|eighth|dotted eighth|quarter|dotted quarter|half|dotted half|whole|\d+ sixteenths), bar \d+$/
			);

		// Select a note and move it up a step of the scale, then make it a 16th longer.
		const before = await rollNotes(roll);
		const a = pick(before, 1);
		await noteAt(roll, a.start).click();
		await expect(noteAt(roll, a.start)).toHaveAttribute('aria-pressed', 'true');
		const bar = stage.getByTestId('note-edit-bar');
		await expect(bar).toContainText('Selected: ');
		await bar.getByRole('button', { name: 'Up a step of the scale' }).click();
		const up = Number(await noteAt(roll, a.start).getAttribute('data-pitch'));
		expect(up - a.pitch).toBeGreaterThanOrEqual(1);
		expect(up - a.pitch).toBeLessThanOrEqual(2);
		expect(B_FLAT_MAJOR).toContain(up % 12);
		await bar.getByRole('button', { name: 'Longer by a 16th' }).click();
		await expect(noteAt(roll, a.start)).toHaveAttribute('data-length', String(a.length + 1));
		await expect(stage.getByTestId('note-edit-message')).toContainText('Now ');
		const edited = await shown(stage);

		// Another note becomes a rest.
		const b = pick(await rollNotes(roll), before.indexOf(a) + 3);
		await noteAt(roll, b.start).click();
		expect(await axe(page)).toEqual([]);
		await bar.getByRole('button', { name: 'Rest: make the note a rest' }).click();
		await expect(noteAt(roll, b.start)).toHaveCount(0);
		const after = await rollNotes(roll);
		expect(after.find((n) => n.start === a.start)).toEqual({
			pitch: up,
			start: a.start,
			length: a.length + 1
		});

		// The files carry the edited tune, note for note as the roll draws it.
		const midi = toNotes(
			fromMidi(await download(page, () => stage.getByRole('button', { name: 'Download MIDI' }).click()))
				.symbols
		);
		expect(midi.map(({ pitch, start, length }) => ({ pitch, start, length }))).toEqual(after);
		const abc = await download(page, () => stage.getByRole('button', { name: 'Download ABC' }).click());
		expect(abcNotes(abc.toString('utf8'))).toEqual(after);

		// Undo once: the rest is the note again, and the tune is as it was before it.
		await bar.getByRole('button', { name: 'Undo the last edit' }).click();
		await expect(noteAt(roll, b.start)).toHaveAttribute('data-pitch', String(b.pitch));
		expect((await shown(stage)).tune).toBe(edited.tune);
		expect(await rollNotes(roll)).not.toEqual(after);

		// A shared link carries the edited tune to a fresh browser.
		await stage.getByRole('button', { name: 'Share a link' }).click();
		const link = await stage.getByLabel('Link to this tune').inputValue();
		const other = await browser.newContext();
		const fresh = await other.newPage();
		await fresh.goto(link);
		await expect(fresh.locator('#generate').getByTestId('melody-symbols')).toHaveText(edited.tune);
		await other.close();

		// Kept, the edited tune is what is stored and shown again.
		await stage.getByRole('button', { name: 'Keep', exact: true }).click();
		await expect(stage.getByRole('status').filter({ hasText: /^Kept/ })).toBeVisible();

		// Continue it: the model goes on from the edited tune.
		await stage.getByRole('button', { name: 'Continue it' }).click();
		await expect(stage.getByTestId('melody-symbols')).toHaveAttribute('data-run', '2');
		const continued = await shown(stage);
		expect(continued.tune.startsWith(edited.tune)).toBe(true);
		expect(continued.tune.length).toBeGreaterThan(edited.tune.length);
		const kept = stage.getByRole('list', { name: 'Kept melodies' });
		await kept
			.getByRole('button', { name: /^Show / })
			.first()
			.click();
		await expect(stage.getByTestId('melody-symbols')).toHaveText(edited.tune);
		expect(watch.consoleErrors).toEqual([]);
	});

	test('with the keyboard alone at 360 px: the roll scrolls inside itself, and edits undo with Ctrl+Z', async ({
		page,
		watch
	}) => {
		await page.setViewportSize({ width: 360, height: 740 });
		const stage = page.locator('#generate');
		await openInBFlat(page, stage);
		await tabTo(page, stage.getByRole('button', { name: 'Generate', exact: true }));
		await page.keyboard.press('Enter');
		await expect(stage.getByTestId('melody-symbols')).toHaveAttribute('data-run', '1');
		// It plays at once; stopped, the roll no longer follows the playhead.
		await tabTo(page, stage.getByRole('button', { name: 'Stop', exact: true }));
		await page.keyboard.press('Enter');
		const roll = stage.getByTestId('piano-roll');
		const scroller = stage.getByTestId('roll-scroll');

		// The roll scrolls sideways inside itself; the page does not.
		expect(await scroller.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeGreaterThan(0);
		expect(
			await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
		).toBeLessThanOrEqual(0);

		// Into the roll with Tab; End walks to the last note, which scrolls into view with its bar's number.
		const first = roll.locator('rect.note[tabindex="0"]');
		await tabTo(page, first);
		await page.keyboard.press('End');
		await expect(roll.locator('rect.note').last()).toBeFocused();
		const view = (await scroller.boundingBox())!;
		const lastBar = (await stage.getByTestId('roll-bars').locator('text').last().boundingBox())!;
		expect(lastBar.x).toBeGreaterThanOrEqual(view.x);
		expect(lastBar.x + lastBar.width).toBeLessThanOrEqual(view.x + view.width);
		await page.keyboard.press('Home');

		// Walk to a note, select it with Enter, move it up (a step, then a semitone, undone), make it longer.
		const before = await rollNotes(roll);
		const a = pick(before, 1);
		for (let i = 0; i < before.indexOf(a); i++) await page.keyboard.press('ArrowRight');
		await expect(noteAt(roll, a.start)).toBeFocused();
		await page.keyboard.press('Enter');
		await expect(noteAt(roll, a.start)).toHaveAttribute('aria-pressed', 'true');
		await page.keyboard.press('ArrowUp');
		const up = Number(await noteAt(roll, a.start).getAttribute('data-pitch'));
		expect(up - a.pitch).toBeGreaterThanOrEqual(1);
		expect(B_FLAT_MAJOR).toContain(up % 12);
		await page.keyboard.press('Shift+ArrowUp');
		await expect(noteAt(roll, a.start)).toHaveAttribute('data-pitch', String(up + 1));
		await page.keyboard.press('Control+z');
		await expect(noteAt(roll, a.start)).toHaveAttribute('data-pitch', String(up));
		await page.keyboard.press(']');
		await expect(noteAt(roll, a.start)).toHaveAttribute('data-length', String(a.length + 1));
		await expect(noteAt(roll, a.start)).toBeFocused();
		const edited = await shown(stage);

		// Walk on (the selection follows) and make another note a rest with Delete.
		const now = await rollNotes(roll);
		const k = now.findIndex((n) => n.start === a.start);
		const b = now[k + 2];
		await page.keyboard.press('ArrowRight');
		await page.keyboard.press('ArrowRight');
		await expect(noteAt(roll, b.start)).toHaveAttribute('aria-pressed', 'true');
		expect(await axe(page)).toEqual([]);
		await page.keyboard.press('Delete');
		await expect(noteAt(roll, b.start)).toHaveCount(0);
		// The focus stays in the roll, on the next note.
		await expect(roll.locator('rect.note:focus')).toHaveCount(1);
		const after = await rollNotes(roll);

		// The MIDI file, downloaded with the keyboard, has the edits.
		const midiButton = stage.getByRole('button', { name: 'Download MIDI' });
		await tabTo(page, midiButton, 80);
		const midi = toNotes(fromMidi(await download(page, () => page.keyboard.press('Enter'))).symbols);
		expect(midi.map(({ pitch, start, length }) => ({ pitch, start, length }))).toEqual(after);

		// Back to the roll: Ctrl+Z there brings the note back.
		await tabTo(page, roll.locator('rect.note[tabindex="0"]'), 80, true);
		await page.keyboard.press('Control+z');
		await expect(noteAt(roll, b.start)).toHaveAttribute('data-pitch', String(b.pitch));
		expect((await shown(stage)).tune).toBe(edited.tune);

		// Continue it, with the keyboard: the edited tune is its start.
		await tabTo(page, stage.getByRole('button', { name: 'Continue it' }), 80);
		await page.keyboard.press('Enter');
		await expect(stage.getByTestId('melody-symbols')).toHaveAttribute('data-run', '2');
		expect((await shown(stage)).tune.startsWith(edited.tune)).toBe(true);
		expect(watch.consoleErrors).toEqual([]);
	});
});

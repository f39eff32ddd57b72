import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, axe } from './fixtures';
import { hasShared, repoRoot, shared } from '../shared';
import { importKeras } from '../../src/lib/keras/import';
import { fromMidi, Midi, toMidi } from '../../src/lib/formats/midi';
import { SaxesParser } from 'saxes';
import { fromKern } from '../../src/lib/formats/kern';
import { toNotes, type NoteEvent } from '../../src/lib/formats/notes';
import { parseMeter } from '../../src/lib/music/meter';
import abcjs from 'abcjs';

/** Stores the reference Keras model in the app's IndexedDB, as a trained or imported model would be. */
async function storeReferenceModel(page: import('@playwright/test').Page) {
	const dir = shared('fixtures', 'seed-keras');
	const { weights } = importKeras(
		readFileSync(`${dir}/model.h5`),
		readFileSync(`${dir}/mapping.json`, 'utf8')
	);
	// Wait until the app has created its database and stores.
	// (Opening it before the app would create it empty, so first wait until it exists.)
	await page.waitForFunction(async () => (await indexedDB.databases()).some((d) => d.name === 'folk-studio'));
	await page.waitForFunction(
		() =>
			new Promise<boolean>((resolve) => {
				const open = indexedDB.open('folk-studio');
				// Never create the database here: an empty one would keep the app from adding its stores.
				open.onupgradeneeded = () => open.transaction?.abort();
				open.onsuccess = () => {
					const ready = open.result.objectStoreNames.contains('models');
					open.result.close();
					resolve(ready);
				};
				open.onerror = () => resolve(false);
			})
	);
	const plain = {
		vocabulary: weights.vocabulary,
		layers: weights.layers.map((l) => ({
			inputSize: l.inputSize,
			units: l.units,
			kernel: Array.from(l.kernel),
			recurrentKernel: Array.from(l.recurrentKernel),
			bias: Array.from(l.bias)
		})),
		denseKernel: Array.from(weights.denseKernel),
		denseBias: Array.from(weights.denseBias)
	};
	await page.evaluate(async (w) => {
		const f = (a: number[]) => Float32Array.from(a);
		const name = 'Reference model (e2e)';
		const createdAt = Date.now();
		// A record as storage/models.ts writes it: the reference's window design, songs start with `/`.
		const record = {
			id: 'e2e-reference',
			name,
			createdAt,
			size: 0,
			metadata: {
				format: 'folk-studio-model',
				version: 1,
				name,
				createdAt,
				vocabulary: w.vocabulary,
				songStart: '/',
				design: 'window',
				config: null,
				history: [],
				corpus: null
			},
			weights: {
				vocabulary: w.vocabulary,
				layers: w.layers.map((l) => ({
					...l,
					kernel: f(l.kernel),
					recurrentKernel: f(l.recurrentKernel),
					bias: f(l.bias)
				})),
				denseKernel: f(w.denseKernel),
				denseBias: f(w.denseBias)
			}
		};
		const put = () =>
			new Promise<void>((resolve, reject) => {
				const open = indexedDB.open('folk-studio');
				open.onupgradeneeded = () => open.transaction?.abort();
				open.onsuccess = () => {
					try {
						const tx = open.result.transaction('models', 'readwrite');
						tx.objectStore('models').put(record);
						tx.oncomplete = () => {
							open.result.close();
							resolve();
						};
						tx.onerror = () => reject(tx.error);
					} catch (e) {
						open.result.close();
						reject(e);
					}
				};
				open.onblocked = () => reject(new Error('blocked'));
				open.onerror = () => reject(open.error);
			});
		// The app may still be setting up its stores (seen once in CI): try again for a few seconds.
		for (let attempt = 0; ; attempt++) {
			try {
				return await put();
			} catch (e) {
				if (attempt >= 25) throw e;
				await new Promise((r) => setTimeout(r, 200));
			}
		}
	}, plain);
}

test('enter a seed on the keyboard, generate, see it, play it, export MIDI that reads back the same', async ({
	page,
	watch
}) => {
	test.skip(!hasShared(), '../shared (reference model) is not available');
	await page.goto('/');
	await expect(page.getByRole('heading', { name: /Generate/ })).toBeVisible();
	await expect(page.getByText('Pick a model')).toHaveCount(0);
	await storeReferenceModel(page);
	await page.reload();

	const stage = page.locator('#generate');
	await expect(stage.getByTestId('model-picker')).toHaveValue('e2e-reference');
	// The model is loaded (its vocabulary read) when Generate can be pressed.
	await expect(stage.getByRole('button', { name: 'Generate', exact: true })).toBeEnabled();

	// Seed on the computer keyboard: quarter G4 G4, eighth F4 E4, a rest; then undo the rest.
	await stage.getByText('Shape it: seed, temperature, variations').click();
	const keyboard = stage.getByTestId('seed-keyboard');
	await keyboard.click({ position: { x: 5, y: 5 } });
	await page.keyboard.press('4');
	await page.keyboard.press('g');
	await page.keyboard.press('g');
	await page.keyboard.press('2');
	await page.keyboard.press('f');
	await page.keyboard.press('d');
	await page.keyboard.press('r');
	await page.keyboard.press('Backspace');
	const seed = '67 _ _ _ 67 _ _ _ 65 _ 64 _';
	await expect(stage.getByTestId('played-seed')).toHaveText(seed);

	await stage.getByLabel('Random seed').fill('42');
	await stage.getByRole('button', { name: 'Generate', exact: true }).click();
	const roll = stage.getByTestId('piano-roll');
	await expect(roll).toBeVisible();
	const symbolsText = (await stage.getByTestId('melody-symbols').textContent())!.trim();
	expect(symbolsText.startsWith(seed)).toBe(true);
	const shown = symbolsText.split(' ');
	expect(shown.length).toBeGreaterThan(seed.split(' ').length);
	const notes = roll.locator('rect.note');
	expect(await notes.count()).toBeGreaterThan(4);
	await expect(roll.locator('rect.note.seed')).toHaveCount(4);
	await expect(stage.getByText(/Generated 1 melody in \d+ ms/)).toBeVisible();
	// Generate plays the melody at once, and the focus moves to it.
	await expect(stage.getByRole('heading', { level: 3, name: /tune in/ })).toBeFocused();
	await stage.getByRole('button', { name: 'Stop', exact: true }).click();

	// Hover names a note; playing moves the playhead. (The roll shows the tune in its key's register, whole
	// octaves from the seed as typed, as the notes drawn after it place it.)
	await notes.nth(0).hover();
	await expect(stage.locator('output.hover')).toContainText(/G\d, quarter, bar 1, seed/);
	// One tab stop; arrow keys walk the notes.
	await expect(roll.locator('rect.note[tabindex="0"]')).toHaveCount(1);
	await notes.nth(0).focus();
	await page.keyboard.press('ArrowRight');
	await page.keyboard.press('ArrowRight');
	await expect(notes.nth(2)).toBeFocused();
	await expect(stage.locator('output.hover')).toContainText(/F\d, eighth, bar 1, seed/);
	await stage.getByRole('button', { name: 'Play', exact: true }).click();
	const playhead = roll.getByTestId('playhead');
	await expect(playhead).toBeAttached();
	const x0 = Number(await playhead.getAttribute('x1'));
	await expect
		.poll(async () => Number(await playhead.getAttribute('x1')), { timeout: 10_000 })
		.toBeGreaterThan(x0 + 5);
	await stage.getByRole('button', { name: 'Stop' }).click();
	await expect(playhead).toHaveCount(0);

	// Export MIDI: the file reads back to the symbols shown, in the key's register (whole octaves from the
	// model's C major / A minor, as the roll shows them).
	const [dl] = await Promise.all([
		page.waitForEvent('download'),
		stage.getByRole('button', { name: 'Download MIDI' }).click()
	]);
	const bytes = readFileSync((await dl.path())!);
	const octaves = octavesBetween(shown, fromMidi(bytes).symbols);
	expect(octaves).not.toBeNull();
	// Dragged out of the page (into a DAW): the drag carries the same MIDI file, named, for the drop target.
	const transfer = await page.evaluateHandle(() => new DataTransfer());
	await stage.getByTestId('midi-drag').dispatchEvent('dragstart', { dataTransfer: transfer });
	const [type, name, ...url] = (await transfer.evaluate((t) => t.getData('DownloadURL'))).split(':');
	expect(type).toBe('audio/midi');
	expect(name).toMatch(/\.mid$/);
	const base64 = url.join(':').replace(/^data:audio\/midi;base64,/, '');
	expect(fromMidi(new Uint8Array(Buffer.from(base64, 'base64'))).symbols).toEqual(fromMidi(bytes).symbols);

	// **kern in G: the project's reader moves it back to the symbols shown (whole octaves apart at most).
	await stage.getByLabel('Key', { exact: true }).selectOption({ label: 'G' });
	const [krn] = await Promise.all([
		page.waitForEvent('download'),
		stage.getByRole('button', { name: 'Download **kern' }).click()
	]);
	const kernText = readFileSync((await krn.path())!, 'utf8');
	expect(kernText).toMatch(/\n\*[Gg]:\n/);
	expect(octavesBetween(shown, fromKern(kernText).symbols)).not.toBeNull();

	// Keep it; it shows in the history.
	await stage.getByRole('button', { name: 'Keep' }).click();
	const kept = stage.getByRole('list', { name: 'Kept melodies' });
	await expect(kept.getByRole('listitem')).toHaveCount(1);
	await kept.getByRole('button', { name: /^Rename/ }).click();
	await kept.getByLabel(/New name for/).fill('Evening tune');
	await kept.getByRole('button', { name: 'Save' }).click();
	await expect(kept.getByText('Evening tune')).toBeVisible();

	// The stage fits a phone screen: only the roll and the keyboard scroll sideways, inside themselves.
	await page.setViewportSize({ width: 360, height: 740 });
	expect(
		await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
	).toBeLessThanOrEqual(0);

	expect(await axe(page)).toEqual([]);
	await kept.getByRole('button', { name: 'Delete Evening tune' }).click();
	await expect(kept).toHaveCount(0);
	expect(watch.consoleErrors).toEqual([]);
});

test('a typed seed is checked against the model’s vocabulary', async ({ page }) => {
	test.skip(!hasShared(), '../shared (reference model) is not available');
	await page.goto('/');
	await storeReferenceModel(page);
	await page.reload();
	const stage = page.locator('#generate');
	await stage.getByText('Shape it: seed, temperature, variations').click();
	await stage.getByLabel('Type it').check();
	await stage.getByLabel(/Seed in the notation/).fill('67 _ 90 _');
	await expect(
		stage.getByText(/90 \(F#6\) is outside what this model knows.*nearest it knows: 81 \(A5\)/)
	).toBeVisible();
	await expect(stage.getByRole('button', { name: 'Generate', exact: true })).toBeDisabled();
	await stage.getByLabel(/Seed in the notation/).fill('67 _ 65 64');
	await expect(stage.getByRole('button', { name: 'Generate', exact: true })).toBeEnabled();
});

test('a seed from the first bars of a corpus song', async ({ page, watch }) => {
	test.skip(!hasShared(), '../shared (reference model) is not available');
	await page.goto('/');
	await storeReferenceModel(page);
	await page.reload();
	await page.getByRole('button', { name: 'Load demo corpus' }).click();
	await expect(page.getByRole('region', { name: /Summary of “Essen sample/ })).toBeVisible();
	const stage = page.locator('#generate');
	await expect(stage.getByTestId('model-picker')).toHaveValue('e2e-reference');
	await stage.getByText('Shape it: seed, temperature, variations').click();
	await stage.getByLabel('From a corpus song').check();
	await stage.getByLabel('First bars').fill('1');
	const seedLine = stage.getByTestId('corpus-seed');
	await expect(seedLine).not.toHaveText('');
	const seed = (await seedLine.textContent())!.trim();
	await stage.getByLabel('First bars').fill('2');
	await expect(seedLine).not.toHaveText(seed);
	const twoBars = (await seedLine.textContent())!.trim();
	expect(twoBars.startsWith(seed)).toBe(true);
	await stage.getByRole('button', { name: 'Generate', exact: true }).click();
	await expect(stage.getByText(/Generated 1 melody in \d+ ms/)).toBeVisible();
	const shown = (await stage.getByTestId('melody-symbols').textContent())!.trim();
	expect(shown.startsWith(twoBars)).toBe(true);
	expect(await stage.getByTestId('piano-roll').locator('rect.note.seed').count()).toBeGreaterThan(0);
	expect(watch.consoleErrors).toEqual([]);
});

test('no seed, an upbeat: the tune starts a quarter before the first barline and ends where that bar is completed', async ({
	page,
	watch
}) => {
	await page.goto('/');
	const stage = page.locator('#generate');
	await expect(stage.getByTestId('model-picker')).toHaveValue('default');
	await stage.getByLabel('Meter', { exact: true }).selectOption('3/4');
	await stage.getByText('Shape it: seed, temperature, variations').click();
	await stage.getByLabel('None: the model begins').check();
	const upbeat = stage.getByLabel('Upbeat');
	// A 3/4 bar holds upbeats up to a half note; 2/4 only up to a dotted quarter.
	await expect(upbeat.locator('option')).toHaveText([
		'as the songs start',
		'none',
		'an eighth',
		'a quarter',
		'a dotted quarter',
		'a half note'
	]);
	await upbeat.selectOption({ label: 'a quarter' });
	await stage.getByLabel('Random seed').fill('5');
	await stage.getByRole('button', { name: 'Generate', exact: true }).click();
	await expect(stage.getByText(/Generated 1 melody in \d+ ms/)).toBeVisible();
	const shown = (await stage.getByTestId('melody-symbols').textContent())!.trim().split(' ');
	// Whole bars in all: the quarter's pickup and the short last bar that completes it count as one.
	expect(shown.length % 12).toBe(0);
	expect(shown[0]).not.toBe('_');
	// The model was told where the barlines fall: a note or a rest starts on (nearly) every downbeat.
	const downbeats = shown.filter((_, i) => i >= 4 && (i - 4) % 12 === 0);
	expect(downbeats.filter((x) => x === '_').length, shown.join(' ')).toBeLessThanOrEqual(1);

	const [abcFile] = await Promise.all([
		page.waitForEvent('download'),
		stage.getByRole('button', { name: 'Download ABC' }).click()
	]);
	const abc = readFileSync((await abcFile.path())!, 'utf8');
	expect(abc).toMatch(/\nM:3\/4\nL:1\/8\n/);
	const bars = abcBarLengths(abc);
	expect(bars[0]).toBe(4);
	expect(bars.at(-1)).toBe(8);
	expect(bars.slice(1, -1).every((n) => n === 12)).toBe(true);

	// In 2/4 the half note is gone; an upbeat chosen survives the change where the bar still holds it, else
	// the tune starts on the downbeat.
	await stage.getByLabel('Meter', { exact: true }).selectOption('2/4');
	await expect(upbeat.locator('option')).toHaveCount(5);
	await expect(upbeat).toHaveValue('4');
	await stage.getByLabel('Meter', { exact: true }).selectOption('3/4');
	await upbeat.selectOption({ label: 'a half note' });
	await stage.getByLabel('Meter', { exact: true }).selectOption('2/4');
	await expect(upbeat).toHaveValue('0');
	expect(watch.consoleErrors).toEqual([]);
});

type Note = Pick<NoteEvent, 'pitch' | 'start' | 'length'>;

/**
 * How many whole octaves `b` lies from `a` when it is `a` moved so (the register the key places a tune in),
 * else null.
 */
function octavesBetween(a: string[], b: string[]): number | null {
	const first = a.findIndex((x) => /^\d+$/.test(x));
	if (first < 0 || a.length !== b.length) return null;
	const shift = Number(b[first]) - Number(a[first]);
	if (shift % 12 !== 0) return null;
	const moved = a.map((x) => (/^\d+$/.test(x) ? String(Number(x) + shift) : x));
	return moved.every((x, i) => x === b[i]) ? shift / 12 : null;
}

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

/** Each bar's length in 16ths as written in an ABC tune with `L:1/8` (`C2` a quarter, `C/` a 16th). */
function abcBarLengths(abc: string): number[] {
	const body = abc
		.split('\n')
		.filter((l) => l && !/^[A-Z]:/.test(l))
		.join(' ');
	return body
		.split(/\|\]?/)
		.filter((bar) => bar.trim())
		.map((bar) =>
			[...bar.matchAll(/(?:z|[_=^]?[A-Ga-g][,']*)(\d*)(\/?)(\d*)/g)].reduce(
				(n, [, num, slash, den]) => n + (2 * Number(num || 1)) / (slash ? Number(den || 2) : 1),
				0
			)
		);
}

/** The notes of a MusicXML score as this app writes it (divisions = one 16th), ties joined. */
function musicXmlNotes(xml: string): Note[] {
	expect(xml).toContain('<divisions>4</divisions>');
	const notes: Note[] = [];
	let at = 0;
	for (const [, note] of xml.matchAll(/<note>([\s\S]*?)<\/note>/g)) {
		const length = Number(/<duration>(\d+)<\/duration>/.exec(note)![1]);
		const step = /<step>([A-G])<\/step>/.exec(note);
		if (step) {
			const alter = Number(/<alter>(-?\d+)<\/alter>/.exec(note)?.[1] ?? 0);
			const octave = Number(/<octave>(\d+)<\/octave>/.exec(note)![1]);
			const pitch = 12 * (octave + 1) + STEP[step[1]] + alter;
			if (/<tie type="stop"\/>/.test(note)) notes[notes.length - 1].length += length;
			else notes.push({ pitch, start: at, length });
		}
		at += length;
	}
	return notes;
}

const STEP: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };

test('a MIDI file as the seed; the melody exported as ABC and MusicXML reads back note for note', async ({
	page,
	watch
}) => {
	// A children's song of the demo corpus (2/4), written as MIDI in D major: the seed is its first two
	// bars moved back to C major, and the meter comes from the file.
	const song = fromKern(readFileSync(join(repoRoot, 'static/demo/deutschl/kinder/kindr001.krn'), 'utf8'));
	expect(song.meter).toBe('2/4');
	const midi = toMidi(song.symbols, { meter: parseMeter('2/4')!, transpose: 2, name: 'kinder' });
	const twoBars = song.symbols.slice(0, 16).join(' ');

	await page.goto('/');
	const stage = page.locator('#generate');
	await expect(stage.getByTestId('model-picker')).toHaveValue('default');
	await stage.getByText('Shape it: seed, temperature, variations').click();
	await stage.getByLabel('From a MIDI file').check();
	await expect(stage.getByRole('button', { name: 'Generate', exact: true })).toBeDisabled();
	await stage.getByLabel('Choose a MIDI file').setInputFiles({
		name: 'kinder.mid',
		mimeType: 'audio/midi',
		buffer: Buffer.from(midi)
	});
	await expect(stage.getByTestId('midi-seed')).toHaveText(twoBars);
	await expect(stage.getByTestId('midi-summary')).toContainText(
		'key D major (found from the notes), moved down 2 semitones to C major'
	);
	await expect(stage.getByLabel('Meter', { exact: true })).toHaveValue('2/4');

	await stage.getByLabel('Random seed').fill('11');
	await stage.getByRole('button', { name: 'Generate', exact: true }).click();
	await expect(stage.getByText(/Generated 1 melody in \d+ ms/)).toBeVisible();
	const shown = (await stage.getByTestId('melody-symbols').textContent())!.trim().split(' ');
	expect(shown.slice(0, 16).join(' ')).toBe(twoBars);
	expect(shown.length).toBeGreaterThan(16);
	// The notes as they sound: in the key's register, whole octaves from the model's (the MIDI export says).
	const midiBack = fromMidi(await exported(page, 'Download MIDI')).symbols;
	expect(octavesBetween(shown, midiBack)).not.toBeNull();
	const expected = toNotes(midiBack).map(({ pitch, start, length }) => ({ pitch, start, length }));

	const [abcFile] = await Promise.all([
		page.waitForEvent('download'),
		stage.getByRole('button', { name: 'Download ABC' }).click()
	]);
	expect(abcFile.suggestedFilename()).toMatch(/\.abc$/);
	const abc = readFileSync((await abcFile.path())!, 'utf8');
	expect(abc).toMatch(/^X:1\nT:.*tune.*\nM:2\/4\nL:1\/8\n/);
	expect(abcNotes(abc)).toEqual(expected);

	const [xmlFile] = await Promise.all([
		page.waitForEvent('download'),
		stage.getByRole('button', { name: 'Download MusicXML' }).click()
	]);
	expect(xmlFile.suggestedFilename()).toMatch(/\.musicxml$/);
	const xml = readFileSync((await xmlFile.path())!, 'utf8');
	expect(xml).toContain('<score-partwise');
	expect(xml).toMatch(/<beats>2<\/beats>\s*<beat-type>4<\/beat-type>/);
	expect(musicXmlNotes(xml)).toEqual(expected);

	// A file that is not MIDI is named, with the reason; the page stays usable.
	await stage.getByLabel('Choose a MIDI file').setInputFiles({
		name: 'photo.mid',
		mimeType: 'audio/midi',
		buffer: Buffer.from('not a midi file')
	});
	await expect(stage.getByRole('alert')).toContainText('“photo.mid” could not be read as MIDI');
	await expect(stage.getByRole('button', { name: 'Generate', exact: true })).toBeDisabled();
	expect(watch.consoleErrors).toEqual([]);
});

test('shape a melody: play and keep each variation, keep the first bars and write the rest again, continue it', async ({
	page,
	watch
}) => {
	await page.goto('/');
	const stage = page.locator('#generate');
	await expect(stage.getByTestId('model-picker')).toHaveValue('default');
	await stage.getByText('Shape it: seed, temperature, variations').click();
	await stage.getByLabel('Upbeat').selectOption({ label: 'none' });
	await stage.getByLabel('Random seed').fill('7');
	await stage.getByLabel('Variations').fill('2');
	await stage.getByRole('button', { name: 'Generate', exact: true }).click();
	await expect(stage.getByText(/Generated 2 melodies in \d+ ms/)).toBeVisible();
	const result = stage.getByTestId('result');
	const shown = async () => (await stage.getByTestId('melody-symbols').textContent())!.trim().split(' ');

	// Each variation has its own play and keep buttons: playing the second shows it.
	const first = await shown();
	await result.getByRole('button', { name: 'Play variation 2' }).click();
	await expect(result.getByRole('radio', { name: '2' })).toBeChecked();
	await expect(result.getByRole('button', { name: 'Stop', exact: true })).toBeVisible();
	await result.getByRole('button', { name: 'Stop', exact: true }).click();
	const second = await shown();
	expect(second).not.toEqual(first);
	await result.getByRole('button', { name: 'Keep variation 2' }).click();
	await expect(stage.getByText(/^Kept “/)).toBeVisible();

	// Keep bars 1–4 (4/4, from the downbeat: 64 steps) and let the model write the rest again.
	await result.getByLabel('Keep bars 1 to').fill('4');
	await result.getByRole('button', { name: 'Write the rest again' }).click();
	await expect.poll(async () => (await shown()).join(' ')).not.toBe(second.join(' '));
	const rewritten = await shown();
	expect(rewritten.slice(0, 64)).toEqual(second.slice(0, 64));
	expect(rewritten).toHaveLength(second.length);

	// Continue it: the melody becomes the seed and as many bars again follow.
	await result.getByRole('button', { name: 'Continue it' }).click();
	await expect.poll(async () => (await shown()).length).toBeGreaterThan(rewritten.length);
	const continued = await shown();
	expect(continued.slice(0, rewritten.length)).toEqual(rewritten);
	expect(continued).toHaveLength(2 * rewritten.length);
	expect(watch.foreignRequests).toEqual([]);
});

/** A file the Export bar downloads, as bytes. */
async function exported(page: import('@playwright/test').Page, label: string): Promise<Buffer> {
	const [file] = await Promise.all([
		page.waitForEvent('download'),
		page.locator('#generate').getByRole('button', { name: label }).click()
	]);
	return readFileSync((await file.path())!);
}

/** The errors a conformant XML parser finds (none when the document is well-formed). */
function xmlErrors(xml: string): string[] {
	const errors: string[] = [];
	const parser = new SaxesParser();
	parser.on('error', (e) => errors.push(e.message));
	parser.write(xml).close();
	return errors;
}

test('files open right: every export in the chosen key and mode, MIDI with the voice’s program, ABC in L:1/8', async ({
	page,
	watch
}) => {
	await page.goto('/');
	const stage = page.locator('#generate');
	await expect(stage.getByTestId('model-picker')).toHaveValue('default');
	await stage.getByLabel('Key', { exact: true }).selectOption({ label: 'D' });
	await stage.getByLabel('Mode', { exact: true }).selectOption({ label: 'Dorian' });
	// Named after the style asked for and the key, not after the corpus ("Essen").
	await stage.getByTestId('style-picker').selectOption({ label: 'Chinese' });
	await stage.getByRole('button', { name: 'Generate', exact: true }).click();
	await expect(stage.getByTestId('result')).toBeVisible();
	await expect(stage.locator('#result-h')).toContainText(/^Chinese tune in D Dorian, /);
	await stage.getByLabel('Voice').selectOption({ label: 'Accordion' });

	for (const [key, abcKey, fifths, scale, signature] of [
		['D Dorian', 'Ddor', 0, 'minor', 'C'],
		['B♭ major', 'Bb', -2, 'major', 'Bb']
	] as const) {
		if (key === 'B♭ major') {
			await stage.getByLabel('Key', { exact: true }).selectOption({ label: 'B♭' });
			await stage.getByLabel('Mode', { exact: true }).selectOption({ label: 'major' });
			await stage.getByRole('button', { name: 'Generate', exact: true }).click();
			await expect(stage.locator('#result-h')).toContainText('tune in B♭,');
		}
		const midiBytes = await exported(page, 'Download MIDI');
		const midi = new Midi(new Uint8Array(midiBytes));
		expect(midi.tracks[0].instrument.number, 'the accordion: General MIDI program 22').toBe(21);
		expect(midi.header.keySignatures[0], key).toMatchObject({ key: signature, scale });
		const bpm = Number(await stage.getByLabel('Tempo (BPM)').inputValue());
		expect(midi.header.tempos[0].bpm).toBeCloseTo(bpm, 3);
		const meter = await stage.getByLabel('Meter', { exact: true }).inputValue();
		expect(midi.header.timeSignatures[0].timeSignature.join('/')).toBe(meter);
		const heard = toNotes(fromMidi(midiBytes).symbols).map(({ pitch, start, length }) => ({
			pitch,
			start,
			length
		}));

		const abc = (await exported(page, 'Download ABC')).toString('utf8');
		expect(abc).toMatch(/\nL:1\/8\n/);
		expect(abc).toMatch(new RegExp(`\\nK:${abcKey}\\n`));
		expect(abc).toMatch(/\|\]\n$/);
		expect(abcNotes(abc), key).toEqual(heard);

		const xml = (await exported(page, 'Download MusicXML')).toString('utf8');
		expect(xmlErrors(xml)).toEqual([]);
		expect(xml).toContain(
			`<key><fifths>${fifths}</fifths><mode>${key.split(' ')[1].toLowerCase()}</mode></key>`
		);
		expect(musicXmlNotes(xml), key).toEqual(heard);
	}
	expect(watch.consoleErrors).toEqual([]);
});

test('Print gives the title and the engraved score only (the roll when the score is not shown)', async ({
	page,
	watch
}) => {
	await page.goto('/');
	const stage = page.locator('#generate');
	await expect(stage.getByTestId('model-picker')).toHaveValue('default');
	await stage.getByRole('button', { name: 'Generate', exact: true }).click();
	const result = stage.getByTestId('result');
	await expect(result).toBeVisible();
	await result.getByLabel('Score').check();
	await expect(result.getByTestId('score').locator('svg').first()).toBeVisible();

	// The button asks the browser to print (the dialog itself is the browser's).
	await page.evaluate(() => {
		const w = window as unknown as { printed: number };
		w.printed = 0;
		window.print = () => void w.printed++;
	});
	await stage.getByRole('button', { name: 'Print' }).click();
	expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);

	await page.emulateMedia({ media: 'print' });
	await expect(result.getByRole('heading', { level: 3 })).toBeVisible();
	await expect(result.getByTestId('score').locator('svg').first()).toBeVisible();
	await expect(stage.getByRole('group', { name: 'Export' })).toBeHidden();
	await expect(stage.getByRole('button', { name: 'Generate', exact: true })).toBeHidden();
	await expect(page.getByRole('heading', { level: 1 })).toBeHidden();
	await expect(result.getByRole('button', { name: 'Keep', exact: true })).toBeHidden();
	// The score takes the page's width: nothing beside it.
	const page_ = await page.evaluate(() => document.documentElement.clientWidth);
	const box = (await result.getByTestId('score').boundingBox())!;
	expect(box.width).toBeGreaterThan(page_ * 0.8);

	await page.emulateMedia({ media: 'screen' });
	await result.getByLabel('Piano roll').check();
	await page.emulateMedia({ media: 'print' });
	await expect(result.getByTestId('piano-roll')).toBeVisible();
	await expect(result.getByRole('heading', { level: 3 })).toBeVisible();
	await expect(stage.getByRole('group', { name: 'Export' })).toBeHidden();
	expect(watch.consoleErrors).toEqual([]);
});

test('a tune in a form: AABA repeats its A bar for bar, the letters over the roll and the score, phrase B written again', async ({
	page,
	watch
}) => {
	await page.goto('/');
	const stage = page.locator('#generate');
	await expect(stage.getByTestId('model-picker')).toHaveValue('default');
	await stage.getByLabel('Form', { exact: true }).selectOption('AABA');
	await stage.getByLabel('Phrase (bars)').selectOption('2');
	// The form sets the length: four phrases of two bars.
	await expect(stage.getByLabel('Length (bars)')).toHaveValue('8');
	// A seed typed is kept, so the run (and the rewrite after it) draws the same way every time.
	await stage.getByText('Shape it: seed, temperature, variations').click();
	await stage.getByLabel('Random seed').fill('11');
	await stage.getByRole('button', { name: 'Generate', exact: true }).click();
	await expect(stage.getByText(/Generated 1 melody in \d+ ms/)).toBeVisible();
	const shown = async () => (await stage.getByTestId('melody-symbols').textContent())!.trim().split(' ');

	// The roll shows the letters, each with the steps of its phrase.
	const letters = stage.getByTestId('roll-phrase');
	await expect(letters).toHaveCount(4);
	const phrases = await letters.evaluateAll((els) =>
		els.map((e) => ({
			label: e.getAttribute('data-label'),
			start: Number(e.getAttribute('data-start')),
			end: Number(e.getAttribute('data-end'))
		}))
	);
	expect(phrases.map((p) => p.label)).toEqual(['A', 'A', 'B', 'A']);
	expect(phrases.map((p) => p.end - p.start)).toEqual([32, 32, 32, 32]);
	const tune = await shown();
	expect(tune).toHaveLength(128);
	const phrase = (symbols: string[], i: number) => symbols.slice(phrases[i].start, phrases[i].end).join(' ');
	// Every A is the first A, bar for bar; B is another phrase.
	expect(phrase(tune, 1)).toBe(phrase(tune, 0));
	expect(phrase(tune, 3)).toBe(phrase(tune, 0));
	expect(phrase(tune, 2)).not.toBe(phrase(tune, 0));
	await expect(stage.getByTestId('piano-roll')).toHaveAttribute('aria-label', /phrases A A B A/);

	// The score writes the letters over the bars where the phrases begin.
	await stage.getByRole('radio', { name: 'Score' }).check();
	await expect(stage.getByTestId('score-phrase')).toHaveText(['A', 'A', 'B', 'A']);
	const lefts = await stage
		.getByTestId('score-phrase')
		.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().left));
	expect(new Set(lefts.map(Math.round)).size).toBeGreaterThan(1);

	// "Write phrase B again": only B changes; the A phrases stay as they were.
	await stage.getByRole('button', { name: 'Write phrase B again' }).click();
	await expect.poll(async () => (await shown()).join(' ')).not.toBe(tune.join(' '));
	const again = await shown();
	expect(again).toHaveLength(tune.length);
	for (const i of [0, 1, 3]) expect(phrase(again, i)).toBe(phrase(tune, i));
	expect(phrase(again, 2)).not.toBe(phrase(tune, 2));
	await expect(stage.getByTestId('score-phrase')).toHaveText(['A', 'A', 'B', 'A']);
	expect(watch.consoleErrors).toEqual([]);
});

test('by default a tune goes as the songs go: its upbeat drawn shows in the roll, the score and the ABC, its phrases lettered', async ({
	page,
	watch
}) => {
	await page.goto('/');
	const stage = page.locator('#generate');
	await expect(stage.getByTestId('model-picker')).toHaveValue('default');
	await expect(stage.getByLabel('Form', { exact: true })).toHaveValue('songs');
	await expect(stage.getByLabel('Form', { exact: true }).locator('option:checked')).toHaveText(
		'As the songs go'
	);
	// The phrases are the song's, so there is no phrase length to choose.
	await expect(stage.getByLabel('Phrase (bars)')).toHaveCount(0);
	await stage.getByText('Shape it: seed, temperature, variations').click();
	await expect(stage.getByLabel('Upbeat')).toHaveValue('-1');
	// Random seed 1 draws, for 8 bars of 4/4, the form of a training song with a quarter's upbeat.
	await stage.getByLabel('Random seed').fill('1');
	await stage.getByRole('button', { name: 'Generate', exact: true }).click();
	await expect(stage.getByText(/Generated 1 melody in \d+ ms/)).toBeVisible();
	const shown = (await stage.getByTestId('melody-symbols').textContent())!.trim().split(' ');
	expect(shown).toHaveLength(128);
	// The page says what the tune took from its song.
	await expect(stage.getByTestId('song-shape')).toContainText(
		/^Shaped as one of the model’s songs: \d+ bars with an upbeat, \d+ phrases?, in (major|minor)/
	);

	// The roll's first barline falls a quarter (4 steps) in: its first bar number is not at the start.
	const xs = await stage
		.getByTestId('roll-bars')
		.locator('text')
		.evaluateAll((els) => els.map((e) => Number(e.getAttribute('x'))));
	// (Each number is written 2 px right of its barline; a bar is 16 steps.)
	expect((xs[0] - 2) / (xs[1] - xs[0])).toBeCloseTo(4 / 16, 5);
	// Letters over the roll, one a phrase, the first A, covering the tune.
	const letters = stage.getByTestId('roll-phrase');
	const phrases = await letters.evaluateAll((els) =>
		els.map((e) => ({
			label: e.getAttribute('data-label')!,
			start: Number(e.getAttribute('data-start')),
			end: Number(e.getAttribute('data-end'))
		}))
	);
	expect(phrases.length).toBeGreaterThan(1);
	expect(phrases[0]).toMatchObject({ label: 'A', start: 0 });
	expect(phrases.at(-1)!.end).toBe(128);

	// The ABC starts with the quarter's pickup (4 sixteenths) and ends with the bar it leaves short.
	const [abcFile] = await Promise.all([
		page.waitForEvent('download'),
		stage.getByRole('button', { name: 'Download ABC' }).click()
	]);
	const bars = abcBarLengths(readFileSync((await abcFile.path())!, 'utf8'));
	expect(bars[0]).toBe(4);
	expect(bars.at(-1)).toBe(12);

	// The score: the pickup, seven full bars and the short last bar; the letters over it.
	await stage.getByRole('radio', { name: 'Score' }).check();
	await expect(stage.getByTestId('score-phrase')).toHaveText(phrases.map((p) => p.label));
	await expect(stage.locator('g.measure')).toHaveCount(9);
	expect(watch.consoleErrors).toEqual([]);
});

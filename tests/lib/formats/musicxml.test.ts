import { describe, expect, it } from 'vitest';
import * as tonejsMidi from '@tonejs/midi';
import { toMusicXml } from '../../../src/lib/formats/musicxml';
import { toNotes } from '../../../src/lib/formats/notes';
import { EXPORT_KEYS, findKey, keyOf, MODES, transposeSymbols } from '../../../src/lib/formats/key';
import { parseMeter } from '../../../src/lib/music/meter';
import { ingest } from '../../../src/lib/corpus/ingest';
import { dropFromPaths } from '../../../src/cli/files';
import { hasShared, shared } from '../../shared';

const Midi: typeof tonejsMidi.Midi =
	tonejsMidi.Midi ?? (tonejsMidi as unknown as { default: typeof tonejsMidi }).default.Midi;

/** Verovio (the engraver the score view uses) reads the MusicXML; its MIDI rendering says what it heard. */
async function reader() {
	// Verovio ships without types; the score view declares the parts it uses, this test only these.
	const wasm: string = 'verovio/wasm';
	const esm: string = 'verovio/esm';
	const { default: createModule } = (await import(wasm)) as { default: () => Promise<object> };
	const { VerovioToolkit } = (await import(esm)) as {
		VerovioToolkit: new (module: object) => {
			setOptions(options: object): void;
			loadData(data: string): boolean;
			renderToMIDI(): string;
		};
	};
	const tk = new VerovioToolkit(await createModule());
	tk.setOptions({ midiNoCue: true });
	return (xml: string) => {
		if (!tk.loadData(xml)) throw new Error('Verovio could not read the MusicXML.');
		const midi = new Midi(Uint8Array.from(atob(tk.renderToMIDI()), (c) => c.charCodeAt(0)));
		const sixteenth = midi.header.ppq / 4;
		return (
			midi.tracks
				.flatMap((t) => t.notes)
				// Verovio's MIDI ends each note a tick early (a gap between notes): lengths are rounded.
				.map((n) => ({
					pitch: n.midi,
					start: n.ticks / sixteenth,
					length: Math.round(n.durationTicks / sixteenth)
				}))
				.sort((a, b) => a.start - b.start)
		);
	};
}

function shown(symbols: string[], shift = 0) {
	return toNotes(transposeSymbols(symbols, shift)).map((n) => ({
		pitch: n.pitch!,
		start: n.start,
		length: n.length
	}));
}

// As in the ABC test: accidentals both ways in a bar, a note tied over two barlines, odd rests, wide leaps.
const melody = (
	'67 _ _ _ 68 _ 67 _ 66 _ 67 _ 70 _ _ _ ' +
	'71 _ 70 _ 71 _ _ _ _ _ _ _ _ _ _ _ ' +
	'_ _ _ _ _ r _ _ _ _ 45 _ 84 _ _ _ ' +
	'61 63 _ 61 _ 63 66 _ r 60 _ _ _ _ _ _'
).split(' ');

describe('MusicXML export', () => {
	it('writes a partwise score with key, time, clef, tempo, an upbeat measure and a final barline', () => {
		const xml = toMusicXml(melody, {
			meter: parseMeter('6/8')!,
			key: findKey('E minor'),
			title: 'Tom & Jerry',
			bpm: 80,
			pickup: 2
		});
		expect(xml).toContain('<score-partwise version="4.0">');
		expect(xml).toContain('<work-title>Tom &amp; Jerry</work-title>');
		expect(xml).toContain('<key><fifths>1</fifths><mode>minor</mode></key>');
		expect(xml).toContain('<time><beats>6</beats><beat-type>8</beat-type></time>');
		expect(xml).toContain('<measure number="0" implicit="yes">');
		expect(xml).toContain('<sound tempo="80"/>');
		expect(xml.trim().split('\n').at(-4)).toContain('light-heavy');
	});

	it('is read back by Verovio as exactly the shown notes, in every key, meter and upbeat', async () => {
		const read = await reader();
		// Every key in 4/4, and the other meters and upbeats in a sharp key and a flat one (a Verovio
		// rendering costs about half a second).
		const cases = [
			...EXPORT_KEYS.map((key) => [key, '4/4', 0] as const),
			...(['3/4', 4, '6/8', 2, '2/2', 12] as const).flatMap((_, i, a) =>
				i % 2
					? []
					: ['E major', 'B♭ minor'].map((k) => [findKey(k)!, a[i] as string, a[i + 1] as number] as const)
			)
		];
		for (const [key, meter, pickup] of cases) {
			const xml = toMusicXml(melody, { meter: parseMeter(meter)!, key, pickup, bpm: 100 });
			expect(read(xml), `${key.name} ${meter}`).toEqual(shown(melody, key.shift));
		}
	});

	it.skipIf(!hasShared())('reads back real songs exactly as encoded', async () => {
		const read = await reader();
		const { songs } = await ingest(dropFromPaths([shared('corpus', 'essen', 'deutschl', 'kinder')]));
		for (const song of songs.slice(0, 20)) {
			const meter = parseMeter(song.meter) ?? parseMeter('4/4')!;
			const pickup = song.barPhase ? meter.stepsPerBar - song.barPhase : 0;
			const key = findKey('A major')!;
			const xml = toMusicXml(song.symbols, { meter, key, pickup, title: song.title, bpm: 100 });
			expect(read(xml), song.path).toEqual(shown(song.symbols, key.shift));
		}
	});

	it('writes the key’s fifths and mode, spells as the key does, and is read back in every mode', async () => {
		const read = await reader();
		for (const mode of MODES)
			for (const tonic of [2, 7, 10]) {
				const key = keyOf(tonic, mode);
				const xml = toMusicXml(melody, { key, title: `${key.name} <&>` });
				expect(xml, key.name).toContain(`<key><fifths>${key.fifths}</fifths><mode>${mode}</mode></key>`);
				expect(xml).toContain(`<work-title>${key.name} &lt;&amp;&gt;</work-title>`);
				expect(read(xml), key.name).toEqual(shown(melody, key.shift));
			}
		// F major: the fourth degree is B♭, never A♯; C major's flat seventh B♭ too; A minor's leading tone G♯.
		const pitches = (xml: string) =>
			[...xml.matchAll(/<step>([A-G])<\/step>(?:<alter>(-?\d)<\/alter>)?/g)].map(
				([, step, alter]) => step + (alter === '-1' ? '♭' : alter === '1' ? '♯' : '')
			);
		const tune = '65 _ 67 _ 69 _ 70 _ 72 _ _ _'.split(' ');
		expect(pitches(toMusicXml(tune, { key: keyOf(5, 'major'), transpose: 0 }))).toEqual([
			'F',
			'G',
			'A',
			'B♭',
			'C'
		]);
		expect(pitches(toMusicXml(['70', '_'], { key: keyOf(0, 'major'), transpose: 0 }))).toEqual(['B♭']);
		expect(pitches(toMusicXml(['68', '_', '69'], { key: keyOf(9, 'minor'), transpose: 0 }))).toEqual([
			'G♯',
			'A'
		]);
		expect(pitches(toMusicXml(['65', '_'], { key: keyOf(6, 'major'), transpose: 0 }))).toEqual(['E♯']);
	});
});

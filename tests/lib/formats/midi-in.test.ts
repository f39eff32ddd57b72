import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Midi } from '../../../src/lib/formats/midi';
import { midiToSeed, midiTracks, MidiSeedError } from '../../../src/lib/formats/midi-in';
import { parseSeed, formatSymbols } from '../../../src/lib/generate/seed';
import { repoRoot } from '../../shared';

const PPQ = 480;
const SIXTEENTH = PPQ / 4;

/**
 * A tune in G major, 3/4, with a one-beat upbeat, as a player might record it: some notes early or
 * late, a chord under one melody note, a lower note that starts while a higher one sounds, and a bass
 * track and a drum track beside it.
 */
function recorded(keySignature?: { sharps: number; minor: boolean }): Uint8Array {
	const midi = new Midi();
	midi.header.timeSignatures.push({ ticks: 0, timeSignature: [3, 4] });
	// @tonejs/midi writes a key signature's sharps wrongly (index + 7): written as C♭ and set below.
	if (keySignature)
		midi.header.keySignatures.push({ ticks: 0, key: 'Cb', scale: keySignature.minor ? 'minor' : 'major' });
	midi.header.update();
	const bass = midi.addTrack();
	bass.name = 'Bass';
	for (let bar = 0; bar < 4; bar++)
		for (const p of [43, 47, 50])
			bass.addNote({ midi: p, ticks: (12 + bar * 12) * SIXTEENTH, durationTicks: 12 * SIXTEENTH });
	const drums = midi.addTrack();
	drums.name = 'Drums';
	drums.channel = 9;
	for (let t = 0; t < 60; t += 2) drums.addNote({ midi: 42, ticks: t * SIXTEENTH, durationTicks: SIXTEENTH });
	const melody = midi.addTrack();
	melody.name = 'Fiddle';
	// [pitch, start, length] in 16ths, and a timing error in ticks.
	const notes: [number, number, number, number][] = [
		[62, 8, 4, 0],
		[67, 12, 4, 17],
		[67, 16, 4, -23],
		[69, 20, 4, 0],
		[71, 24, 8, 9],
		[67, 24, 8, 0], // the chord's lower note
		[67, 32, 4, 0],
		[69, 36, 2, -11],
		[71, 38, 2, 0],
		[72, 40, 4, 0],
		[69, 44, 4, 0],
		[67, 48, 8, 0],
		[74, 60, 4, 0],
		[66, 61, 2, 0] // under the D: never heard
	];
	for (const [midiPitch, start, length, error] of notes)
		melody.addNote({
			midi: midiPitch,
			ticks: start * SIXTEENTH + error,
			durationTicks: length * SIXTEENTH - 5
		});
	const bytes = midi.toArray();
	if (keySignature) {
		const at = bytes.findIndex((b, i) => b === 0xff && bytes[i + 1] === 0x59 && bytes[i + 2] === 0x02);
		bytes[at + 3] = keySignature.sharps & 0xff;
	}
	return bytes;
}

// G major moved down 7 semitones to C major; the rest between bar 4 and the last D stays.
const expected =
	'55 _ _ _ 60 _ _ _ 60 _ _ _ 62 _ _ _ 64 _ _ _ _ _ _ _ 60 _ _ _ 62 _ 64 _ 65 _ _ _ 62 _ _ _ 60 _ _ _ _ _ _ _ r _ _ _ 67 _ _ _';

describe('a MIDI file as a seed', () => {
	it('lists the tracks with notes, drums marked', () => {
		const tracks = midiTracks(recorded());
		expect(tracks.map((t) => [t.index, t.name, t.notes, t.drums])).toEqual([
			[0, 'Bass', 12, false],
			[1, 'Drums', 30, true],
			[2, 'Fiddle', 14, false]
		]);
		expect(tracks[2].range).toEqual([62, 74]);
	});

	it('takes the highest line of the chosen track, on the grid, in C major, and says what changed', () => {
		const seed = midiToSeed(recorded(), { track: 2 });
		expect(formatSymbols(seed.symbols)).toBe(expected);
		expect(seed).toMatchObject({
			meter: '3/4',
			barPhase: 8,
			key: 'G major',
			keyFrom: 'notes',
			transposition: -7,
			chords: 1,
			hidden: 1
		});
		// Every note was shortened by 5 ticks, so every one moved to reach the grid.
		expect(seed.quantized).toBe(14);
		expect(seed.summary).toBe(
			'Took the highest line of track 3 (“Fiddle”): 12 notes; 14 notes moved to the 16th grid; ' +
				'1 chord reduced to the top note; 1 note under a higher one left out; ' +
				'key G major (found from the notes), moved down 7 semitones to C major; meter 3/4.'
		);
	});

	it('picks the fullest track that is not drums by default, and uses the file’s key signature', () => {
		const seed = midiToSeed(recorded({ sharps: 1, minor: true }));
		expect(seed.track).toBe(2);
		expect(seed).toMatchObject({ key: 'E minor', keyFrom: 'file', transposition: 5 });
		expect(seed.symbols[0]).toBe('67');
		expect(midiToSeed(recorded({ sharps: -2, minor: false }))).toMatchObject({
			key: 'B♭ major',
			transposition: -10
		});
		expect(midiToSeed(recorded(), { track: 0 }).chords).toBe(4);
	});

	it('fits the line into a model’s vocabulary and keeps only the bars asked for', () => {
		const dir = join(repoRoot, 'static', 'models', 'default', 'metadata.json');
		const vocabulary: string[] = existsSync(dir)
			? JSON.parse(readFileSync(dir, 'utf8')).vocabulary
			: ['/', '_', 'r', '55', '60', '62', '64', '65'];
		// Moved up 5 (E minor → A minor) the top D lands on 79 (G5); a vocabulary without it gets G4.
		const narrow = vocabulary.filter((s) => s !== '79');
		const seed = midiToSeed(recorded({ sharps: 1, minor: true }), { vocabulary: narrow, bars: 2 });
		expect(seed.symbols).toHaveLength(4 + 2 * 12);
		const full = midiToSeed(recorded({ sharps: 1, minor: true }), { vocabulary: narrow });
		expect(full.refitted).toBe(1);
		expect(full.symbols.at(-4)).toBe('67');
		expect(parseSeed(formatSymbols(full.symbols), narrow).problems).toEqual([]);
	});

	it('refuses a file that is not MIDI, naming the reason', () => {
		expect(() => midiToSeed(new TextEncoder().encode('not a midi file'))).toThrow(MidiSeedError);
		expect(() => midiToSeed(new TextEncoder().encode('not a midi file'))).toThrow(
			/could not be read as MIDI/
		);
		const empty = new Midi();
		expect(() => midiToSeed(empty.toArray())).toThrow(/no notes/);
	});
});

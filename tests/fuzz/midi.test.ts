/**
 * Fuzzing the MIDI seed reader (formats/midi-read.ts, formats/midi-in.ts) with MIDI files mutated: bytes
 * flipped, cut short, inserted, removed, repeated, set to edge values. Every input gives a seed of at most
 * the bars asked for, in the notation, or a sentence (MidiSeedError), within a time and memory bound; no
 * other exception escapes.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Midi } from '../../src/lib/formats/midi';
import { toMidi } from '../../src/lib/formats/midi';
import { midiToSeed, midiTracks, MidiSeedError, readMidiNotes } from '../../src/lib/formats/midi-in';
import { parseMeter } from '../../src/lib/music/meter';
import {
	bounded,
	describe as show,
	expectSentence,
	fuzzParameters,
	fuzzTimeout,
	mutate,
	mutation
} from './fuzz';
import {
	longNote,
	manyNotes,
	meta,
	noteEvents,
	overflowingDelta,
	smf,
	twelveNotes
} from '../lib/formats/midi-files';

/** Files to start from: written here, by @tonejs/midi (the app's own export) and by hand. */
function sources(): { name: string; bytes: Uint8Array }[] {
	const piano = new Midi();
	piano.header.timeSignatures.push({ ticks: 0, timeSignature: [6, 8] });
	piano.header.setTempo(90);
	piano.header.update();
	const right = piano.addTrack();
	right.name = 'Right hand';
	const left = piano.addTrack();
	left.name = 'Left hand';
	for (let i = 0; i < 48; i++) {
		right.addNote({ midi: 64 + ((i * 5) % 12), ticks: i * 240 + (i % 3) * 7, durationTicks: 230 });
		if (i % 3 === 0) left.addNote({ midi: 40 + (i % 7), ticks: i * 240, durationTicks: 700 });
	}
	const drums = piano.addTrack();
	drums.channel = 9;
	for (let i = 0; i < 24; i++) drums.addNote({ midi: 36, ticks: i * 480, durationTicks: 60 });
	const song = ['67', '_', '_', '_', '65', '_', '64', '_', 'r', '_', '62', '_', '60', '_', '_', '_'];
	return [
		{ name: 'piano.mid', bytes: piano.toArray() },
		{ name: 'export.mid', bytes: toMidi([...song, ...song], { meter: parseMeter('2/4')!, name: 'Export' }) },
		{ name: 'tune.mid', bytes: twelveNotes() },
		{ name: 'many.mid', bytes: manyNotes(3000) },
		{ name: 'long.mid', bytes: longNote() },
		{ name: 'odd.mid', bytes: overflowingDelta() },
		{
			name: 'meters.mid',
			bytes: smf([
				[...meta.timeSignature(7, 3), ...meta.key(-3, true)],
				noteEvents([
					[72, 0, 100],
					[71, 120, 480],
					[69, 240, 240],
					[67, 600, 960]
				])
			])
		}
	];
}

const SYMBOL = /^(\d{1,3}|r|_)$/;

describe('fuzz: MIDI seeds', () => {
	const files = sources();

	it(
		'a mutated MIDI file gives a seed of at most the bars asked for, or a sentence naming what is wrong',
		async () => {
			await fc.assert(
				fc.asyncProperty(
					fc.constantFrom(...files),
					fc.array(mutation, { minLength: 1, maxLength: 4 }),
					fc.integer({ min: 1, max: 16 }),
					async (file, mutations, bars) => {
						const input = mutate(file.bytes, mutations);
						const context = `${file.name} bars ${bars} ${show(mutations)}`;
						const { value, error } = await bounded(
							() => {
								const read = readMidiNotes(input, file.name);
								const tracks = midiTracks(read);
								return { tracks, seeds: tracks.map((t) => midiToSeed(read, { track: t.index, bars })) };
							},
							{ ms: 2000, mb: 64, context }
						);
						if (error !== undefined) {
							expect(error, context).toBeInstanceOf(MidiSeedError);
							expectSentence((error as Error).message, context);
							expect((error as Error).message, context).toMatch(/^(“.*”|This file|\d|A seed)/);
							return;
						}
						for (const seed of value!.seeds) {
							const stepsPerBar = parseMeter(seed.meter ?? '4/4')!.stepsPerBar;
							expect(seed.symbols.length, context).toBeLessThanOrEqual((bars + 1) * stepsPerBar);
							expect(seed.symbols.length, context).toBeGreaterThan(0);
							expect(seed.symbols[0], context).not.toBe('_');
							for (const s of seed.symbols) {
								expect(s, context).toMatch(SYMBOL);
								if (s !== 'r' && s !== '_') expect(Number(s), context).toBeLessThanOrEqual(127);
							}
							expectSentence(seed.summary, context);
						}
					}
				),
				fuzzParameters(300)
			);
		},
		fuzzTimeout(60_000)
	);
});

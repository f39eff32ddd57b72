/**
 * MIDI files through @tonejs/midi. One note per symbol run; rests are gaps. Markers record where each
 * rest begins and where the melody ends, so `r _ r _` and a trailing rest survive a round trip (plain
 * gaps alone cannot say that); files without them (from elsewhere) read with one rest per gap.
 */
import * as tonejsMidi from '@tonejs/midi';
import { DEFAULT_METER, parseMeter, type Meter } from '../music/meter';
import { fromEvents, toEvents } from './notes';
import { transposeSymbols } from './key';

// The package's ESM build has named exports; Node's ESM loader sees only its CommonJS default (the other
// MIDI readers, formats/midi-in.ts, take the class from here).
export const Midi: typeof tonejsMidi.Midi =
	tonejsMidi.Midi ?? (tonejsMidi as unknown as { default: typeof tonejsMidi }).default.Midi;

export const DEFAULT_BPM = 100;
const REST_MARKER = 'rest';
const END_MARKER = 'end';

/** How to write the file. */
export interface MidiOptions {
	/** Quarter notes per minute. */
	bpm?: number;
	meter?: Meter;
	/** Track (and file) name. */
	name?: string;
	/** Semitones to move the melody by. */
	transpose?: number;
	/** General MIDI program, 0-based (default 73, flute). */
	program?: number;
}

/** What a MIDI file reads back as. */
export interface MidiMelody {
	symbols: string[];
	bpm: number;
	meter: Meter;
	name: string;
}

/** The melody as a standard MIDI file (format 1: a conductor track, then the melody). */
export function toMidi(symbols: readonly string[], options: MidiOptions = {}): Uint8Array {
	const meter = options.meter ?? DEFAULT_METER;
	const midi = new Midi();
	const step = midi.header.ppq / 4;
	midi.header.name = options.name ?? 'Melody';
	midi.header.setTempo(options.bpm ?? DEFAULT_BPM);
	midi.header.timeSignatures.push({ ticks: 0, timeSignature: [meter.numerator, meter.denominator] });
	const track = midi.addTrack();
	track.name = options.name ?? 'Melody';
	track.instrument.number = options.program ?? 73;
	const events = toEvents(transposeSymbols(symbols, options.transpose ?? 0));
	let end = 0;
	for (const e of events) {
		end = e.start + e.length;
		if (e.pitch === null) midi.header.meta.push({ type: 'marker', text: REST_MARKER, ticks: e.start * step });
		else
			track.addNote({ midi: e.pitch, ticks: e.start * step, durationTicks: e.length * step, velocity: 0.8 });
	}
	midi.header.meta.push({ type: 'marker', text: END_MARKER, ticks: end * step });
	midi.header.update();
	return midi.toArray();
}

/**
 * Reads a MIDI file back to symbols on the 16th grid: the first track with notes, highest note where
 * notes overlap, times rounded to the nearest 16th.
 */
export function fromMidi(bytes: ArrayLike<number> | ArrayBuffer): MidiMelody {
	const midi = new Midi(bytes instanceof ArrayBuffer ? bytes : new Uint8Array(Array.from(bytes)));
	const step = midi.header.ppq / 4;
	const track = midi.tracks.find((t) => t.notes.length > 0);
	const toStep = (ticks: number) => Math.round(ticks / step);
	const notes = (track?.notes ?? [])
		.map((n) => ({
			pitch: n.midi,
			start: toStep(n.ticks),
			length: Math.max(1, toStep(n.ticks + n.durationTicks) - toStep(n.ticks))
		}))
		// Highest note wins at a shared start: sort so it is written last.
		.sort((a, b) => a.start - b.start || a.pitch - b.pitch);
	const markers = midi.header.meta.filter((m) => m.type === 'marker');
	const rests = markers.filter((m) => m.text === REST_MARKER).map((m) => toStep(m.ticks));
	const endMarker = markers.find((m) => m.text === END_MARKER);
	const total = endMarker ? toStep(endMarker.ticks) : undefined;
	const ts = midi.header.timeSignatures[0]?.timeSignature;
	return {
		symbols: fromEvents(notes, total, rests).slice(0, total ?? Infinity),
		bpm: Math.round(midi.header.tempos[0]?.bpm ?? 120),
		meter: (ts && parseMeter(`${ts[0]}/${ts[1]}`)) || DEFAULT_METER,
		name: track?.name || midi.header.name || ''
	};
}

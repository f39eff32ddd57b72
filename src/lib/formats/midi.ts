/**
 * MIDI files through @tonejs/midi. One note per symbol run; rests are gaps. Markers record where each
 * rest begins and where the melody ends, so `r _ r _` and a trailing rest survive a round trip (plain
 * gaps alone cannot say that); files without them (from elsewhere) read with one rest per gap. The
 * conductor track holds tempo, time signature and key signature (the signature's sharps or flats, and
 * minor for minor-like modes: MIDI knows no other mode); the melody's track names the General MIDI program
 * of the voice the page plays.
 *
 * Names are written as UTF-8: @tonejs/midi (through midi-file) writes each UTF-16 code unit of a text as
 * one byte, so the text handed to it is the UTF-8 bytes as code units 0–255, and reading turns them back.
 */
import * as tonejsMidi from '@tonejs/midi';
import { DEFAULT_METER, parseMeter, type Meter } from '../music/meter';
import { fromEvents, toEvents } from './notes';
import { modeFamily, transposeSymbols, type Key } from './key';
import { cleanName } from './name';

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
	/** Semitones to move the melody by; default the key's shift (0 without a key). */
	transpose?: number;
	/** The key it is in: written as the key signature (none without one). */
	key?: Key;
	/** General MIDI program, 0-based (default 0, piano: the page's first voice). */
	program?: number;
}

/** Key signature names by fifths, −7 … 7, as @tonejs/midi writes them. */
const SIGNATURE_KEYS = ['Cb', 'Gb', 'Db', 'Ab', 'Eb', 'Bb', 'F', 'C', 'G', 'D', 'A', 'E', 'B', 'F#', 'C#'];

/** Text as the byte string @tonejs/midi writes byte for byte: its UTF-8. */
export function utf8Text(text: string): string {
	let out = '';
	for (const b of new TextEncoder().encode(text)) out += String.fromCharCode(b);
	return out;
}

/** A text @tonejs/midi read (one code unit per byte) as UTF-8; as Latin-1 where it is not UTF-8. */
export function readText(bytes: string): string {
	if ([...bytes].some((c) => c.charCodeAt(0) > 255)) return bytes;
	const raw = Uint8Array.from(bytes, (c) => c.charCodeAt(0));
	try {
		return new TextDecoder('utf-8', { fatal: true }).decode(raw);
	} catch {
		return bytes;
	}
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
	const name = utf8Text(cleanName(options.name ?? '') || 'Melody');
	midi.header.name = name;
	midi.header.setTempo(options.bpm ?? DEFAULT_BPM);
	midi.header.timeSignatures.push({ ticks: 0, timeSignature: [meter.numerator, meter.denominator] });
	const key = options.key;
	if (key)
		midi.header.keySignatures.push({
			ticks: 0,
			key: SIGNATURE_KEYS[key.fifths + 7],
			scale: modeFamily(key.mode)
		});
	const track = midi.addTrack();
	track.name = name;
	track.instrument.number = options.program ?? 0;
	const events = toEvents(transposeSymbols(symbols, options.transpose ?? key?.shift ?? 0));
	let end = 0;
	for (const e of events) {
		end = e.start + e.length;
		if (e.pitch === null) midi.header.meta.push({ type: 'marker', text: REST_MARKER, ticks: e.start * step });
		else
			track.addNote({ midi: e.pitch, ticks: e.start * step, durationTicks: e.length * step, velocity: 0.8 });
	}
	midi.header.meta.push({ type: 'marker', text: END_MARKER, ticks: end * step });
	midi.header.update();
	const bytes = midi.toArray();
	if (key) setSignatureByte(bytes, key.fifths);
	return bytes;
}

/**
 * Sets the sharps-or-flats byte of the key signature at tick 0. @tonejs/midi 2.0.28 writes it as the
 * name's place in its table plus 7 (B♭ major comes out as 12, which no reader takes); its reader is
 * right. The event is the one `00 FF 59 02 sf mi` of the conductor track (no UTF-8 text holds 0xFF).
 */
function setSignatureByte(bytes: Uint8Array, fifths: number): void {
	for (let i = 0; i + 5 < bytes.length; i++)
		if (bytes[i] === 0x00 && bytes[i + 1] === 0xff && bytes[i + 2] === 0x59 && bytes[i + 3] === 0x02) {
			bytes[i + 4] = fifths & 0xff;
			return;
		}
	throw new Error('The MIDI writer left out the key signature.');
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
		name: readText(track?.name || midi.header.name || '')
	};
}

/**
 * A MIDI file as a seed: the highest line of one track, on the 16th grid, moved to C major / A minor as
 * the model expects (the encoding's own rule), with a sentence saying what changed on the way.
 *
 * The file is read once (`readMidiNotes`, formats/midi-read.ts); a seed is then cut to the bars asked for
 * (and to `MAX_MIDI_SEED_STEPS`) before anything is built, and the line is found by a sweep over the notes
 * that start in that window: its work grows with those notes, never with the file's length in steps.
 */
import { fileLabel, MidiSeedError, readMidiNotes, type MidiFileNotes, type MidiNote } from './midi-read';
import { EXPORT_KEYS } from './key';
import { estimateKey } from '../encoding/key';
import { isPitchSymbol } from '../music/pitch';
import { formatMeter, parseMeter, DEFAULT_METER } from '../music/meter';
import { melodyTrack } from '../notation/midi-in';
export { MidiSeedError, readMidiNotes, type MidiFileNotes } from './midi-read';

/** The most steps a MIDI seed holds: the generator's `MAX_SEED` (generate/settings.ts; a test holds them equal). */
export const MAX_MIDI_SEED_STEPS = 100_000;

/** A track a user can choose from. */
export interface MidiTrackChoice {
	index: number;
	name: string;
	notes: number;
	/** General MIDI percussion (channel 10): never a melody. */
	drums: boolean;
	/** Lowest and highest MIDI pitch. */
	range: [number, number];
}

/** What a MIDI file gives as a seed. */
export interface MidiSeed {
	/** In the model's notation, in C major or A minor. */
	symbols: string[];
	/** The track it came from. */
	track: number;
	/** From the file's first time signature, when its bar is a whole number of 16ths. */
	meter?: string;
	/** Where the first note falls in its bar (16ths; 0 = on the downbeat). */
	barPhase: number;
	/** The key found: `G major`; and whether the file said so or it was estimated from the notes. */
	key: string;
	keyFrom: 'file' | 'notes';
	/** Semitones the line was moved (as the corpus encoding moves songs). */
	transposition: number;
	/** Notes whose start or end moved to reach the 16th grid. */
	quantized: number;
	/** Onsets where several notes start together and the top one was kept. */
	chords: number;
	/** Notes left out because a higher note sounded over them. */
	hidden: number;
	/** Notes moved by octaves (or to the nearest known pitch) into the model's vocabulary. */
	refitted: number;
	/** The line went on past the most a seed holds and was cut there. */
	cut: boolean;
	/** What changed, as a sentence. */
	summary: string;
}

/** Options of `midiToSeed`. */
export interface MidiSeedOptions {
	/** The index of a track (default: the melody, `melodyTrack` of notation/midi-in.ts). */
	track?: number;
	/** The model's symbols: pitches it does not know are moved by octaves, else to the nearest it knows. */
	vocabulary?: readonly string[];
	/** Keep only the first bars (of the file's meter, 4/4 when it has none), after any upbeat. */
	bars?: number;
	/** The file's name, for sentences. */
	name?: string;
}

type Source = MidiFileNotes | ArrayLike<number> | ArrayBuffer;

function open(source: Source, name?: string): MidiFileNotes {
	return 'tracks' in source && 'ticksPerQuarter' in source ? source : readMidiNotes(source, name);
}

function trackTitle(file: MidiFileNotes, index: number): string {
	return file.tracks[index].name || `Track ${index + 1}`;
}

/** The tracks of a MIDI file that have notes (all of them: the reader keeps only those). */
export function midiTracks(source: Source, name?: string): MidiTrackChoice[] {
	const file = open(source, name);
	return file.tracks.map((t, index) => {
		let low = 127;
		let high = 0;
		for (const n of t.notes) {
			if (n.pitch < low) low = n.pitch;
			if (n.pitch > high) high = n.pitch;
		}
		return {
			index,
			name: trackTitle(file, index),
			notes: t.notes.length,
			drums: t.channel === 9,
			range: [low, high] as [number, number]
		};
	});
}

function plural(n: number, one: string, many = `${one}s`): string {
	return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

/** Pitch classes of the major keys by sharps (negative: flats). */
function majorTonic(sharps: number): number {
	return (((sharps * 7) % 12) + 12) % 12;
}

/** A sounding note on the grid: pitch, start and end in 16ths from the file's beginning. */
interface GridNote {
	pitch: number;
	start: number;
	end: number;
	/** Its place among the notes of the window: the first of equal pitches wins the top. */
	order: number;
}

/** A max-heap of notes by pitch (then the earlier note), for the top of what sounds. */
class TopHeap {
	private items: GridNote[] = [];
	private above(a: GridNote, b: GridNote): boolean {
		return a.pitch > b.pitch || (a.pitch === b.pitch && a.order < b.order);
	}
	push(n: GridNote): void {
		const h = this.items;
		h.push(n);
		let i = h.length - 1;
		while (i > 0) {
			const parent = (i - 1) >> 1;
			if (!this.above(h[i], h[parent])) break;
			[h[i], h[parent]] = [h[parent], h[i]];
			i = parent;
		}
	}
	/** The top note sounding at `t`: notes ended by then are dropped on the way. */
	topAt(t: number): GridNote | null {
		const h = this.items;
		while (h.length && h[0].end <= t) {
			const last = h.pop()!;
			if (!h.length) break;
			h[0] = last;
			let i = 0;
			for (;;) {
				const l = 2 * i + 1;
				const r = l + 1;
				let best = i;
				if (l < h.length && this.above(h[l], h[best])) best = l;
				if (r < h.length && this.above(h[r], h[best])) best = r;
				if (best === i) break;
				[h[i], h[best]] = [h[best], h[i]];
				i = best;
			}
		}
		return h[0] ?? null;
	}
}

/**
 * The seed a MIDI file gives (its bytes, or the file `readMidiNotes` read, kept to ask again cheaply).
 * Throws `MidiSeedError` with a sentence for a file that cannot be read, has no notes, or when the bars
 * asked for are more steps than a seed holds.
 */
export function midiToSeed(source: Source, options: MidiSeedOptions = {}): MidiSeed {
	const file = open(source, options.name);
	const label = file.label === 'This file' && options.name ? fileLabel(options.name) : file.label;
	if (file.tracks.length === 0) throw new MidiSeedError(`${label} has no notes.`);
	let index: number;
	if (options.track !== undefined) {
		index = options.track;
		if (!Number.isInteger(index) || index < 0 || index >= file.tracks.length)
			throw new MidiSeedError(`${label} has no track ${index + 1} with notes.`);
	} else {
		// The melody, as a corpus import takes it: the single-line track with the most notes, else the
		// fullest (drums never; a file of drums only gives its first track).
		index = Math.max(0, melodyTrack(file));
	}
	const notes: readonly MidiNote[] = file.tracks[index].notes;
	const ppq = file.ticksPerQuarter;
	// Ticks to 16ths: 4 × ticks / ppq, exact in doubles (ticks stay below 2^48).
	const grid = (tick: number) => Math.round((4 * tick) / ppq);
	const onGrid = (tick: number) => (4 * tick) % ppq === 0;

	// The meter, and where the first note falls in its bar (bars counted from the file's beginning).
	const ts = file.timeSignature;
	const meter = ts ? parseMeter(`${ts.numerator}/${ts.denominator}`) : null;
	const stepsPerBar = (meter ?? DEFAULT_METER).stepsPerBar;
	const first = grid(notes[0].start);
	const barPhase = meter ? first % stepsPerBar : 0;

	// The window, fixed before anything is built: the upbeat and the bars asked, never over a seed's most.
	let windowSteps = MAX_MIDI_SEED_STEPS;
	if (options.bars !== undefined) {
		const bars = options.bars;
		if (!Number.isInteger(bars) || bars < 1)
			throw new MidiSeedError(`A seed takes a whole number of bars, at least 1 (not ${bars}).`);
		const pickup = (stepsPerBar - barPhase) % stepsPerBar;
		windowSteps = pickup + bars * stepsPerBar;
		if (windowSteps > MAX_MIDI_SEED_STEPS)
			throw new MidiSeedError(
				`${plural(bars, 'bar')} of ${meter ? formatMeter(meter) : '4/4'} are ${plural(windowSteps, 'step')}; ` +
					`a seed holds at most ${plural(MAX_MIDI_SEED_STEPS, 'step')}, so ask for at most ` +
					`${plural(Math.floor((MAX_MIDI_SEED_STEPS - pickup) / stepsPerBar), 'bar')}.`
			);
	}
	const windowEnd = first + windowSteps;

	// The notes that start in the window, on the grid, cut at its end (notes are in the order they start).
	const taken: GridNote[] = [];
	let quantized = 0;
	let cut = false;
	for (const n of notes) {
		const start = grid(n.start);
		if (start >= windowEnd) {
			cut = true;
			break;
		}
		const end = Math.max(start + 1, grid(n.end));
		if (!onGrid(n.start) || !onGrid(n.end) || end !== grid(n.end)) quantized++;
		if (end > windowEnd) cut = true;
		taken.push({ pitch: n.pitch, start, end: Math.min(end, windowEnd), order: taken.length });
	}

	// Chords (onsets shared by several notes) and the highest pitch at each onset.
	let chords = 0;
	const topAtOnset = new Map<number, number>();
	for (let i = 0; i < taken.length;) {
		let j = i;
		let top = 0;
		while (j < taken.length && taken[j].start === taken[i].start) top = Math.max(top, taken[j++].pitch);
		if (j - i > 1) chords++;
		topAtOnset.set(taken[i].start, top);
		i = j;
	}

	// The highest line: between two consecutive onsets or ends the notes sounding do not change, so the
	// top one is found once per such span. A note is heard from where it is the top; a new onset of the
	// same pitch starts a new note.
	const ends = taken.map((n) => n.end).sort((a, b) => a - b);
	const heap = new TopHeap();
	const heard = new Uint8Array(taken.length);
	const line: { pitch: number; start: number; end: number }[] = [];
	let s = 0;
	let e = 0;
	let t = first;
	while (s < taken.length || e < ends.length) {
		while (s < taken.length && taken[s].start === t) heap.push(taken[s++]);
		while (e < ends.length && ends[e] <= t) e++;
		const next = Math.min(s < taken.length ? taken[s].start : Infinity, e < ends.length ? ends[e] : Infinity);
		if (next === Infinity) break;
		const top = heap.topAt(t);
		if (top) {
			heard[top.order] = 1;
			const prev = line.at(-1);
			if (prev && prev.pitch === top.pitch && prev.end === t && top.start !== t) prev.end = next;
			else line.push({ pitch: top.pitch, start: t, end: next });
		}
		t = next;
	}
	let hidden = 0;
	for (const n of taken) if (!heard[n.order] && n.pitch >= topAtOnset.get(n.start)!) hidden++;

	// The key: the file's key signature, else the Aarden-Essen estimate the corpus uses.
	let tonic: number;
	let mode: 'major' | 'minor';
	let keyFrom: 'file' | 'notes';
	if (file.keySignature) {
		mode = file.keySignature.minor ? 'minor' : 'major';
		const major = majorTonic(file.keySignature.sharps);
		// A minor key's signature is that of its relative major, a minor third above.
		tonic = mode === 'minor' ? (major + 9) % 12 : major;
		keyFrom = 'file';
	} else {
		const histogram = new Array<number>(12).fill(0);
		for (const n of line) histogram[n.pitch % 12] += n.end - n.start;
		({ tonic, mode } = estimateKey(histogram) ?? { tonic: 0, mode: 'major' as const });
		keyFrom = 'notes';
	}
	const transposition = mode === 'major' ? -tonic : 9 - tonic;
	const keyName = EXPORT_KEYS.find((k) => k.mode === mode && k.tonic === tonic)!.name;

	// Into the model's vocabulary (or, without one, into MIDI's range).
	let refitted = 0;
	const known = (options.vocabulary ?? []).filter(isPitchSymbol).map(Number);
	const knownSet = new Set(known);
	const fit = (p: number) => {
		if (known.length === 0) return p > 127 ? p - 12 : p < 0 ? p + 12 : p;
		if (knownSet.has(p)) return p;
		refitted++;
		for (let o = 12; o <= 48; o += 12) for (const q of [p + o, p - o]) if (knownSet.has(q)) return q;
		return known.reduce((best, q) => (Math.abs(q - p) < Math.abs(best - p) ? q : best));
	};
	// The symbols, built from the line's notes: gaps become rests.
	const symbols: string[] = [];
	let at = first;
	for (const n of line) {
		if (n.start > at) {
			symbols.push('r');
			for (let k = at + 1; k < n.start; k++) symbols.push('_');
		}
		symbols.push(String(fit(n.pitch + transposition)));
		for (let k = n.start + 1; k < n.end; k++) symbols.push('_');
		at = n.end;
	}

	const parts = [
		`Took the highest line of track ${index + 1} (“${trackTitle(file, index)}”): ${plural(line.length, 'note')}`,
		quantized ? `${plural(quantized, 'note')} moved to the 16th grid` : 'every note already on the 16th grid',
		chords ? `${plural(chords, 'chord')} reduced to the top note` : '',
		hidden ? `${plural(hidden, 'note')} under a higher one left out` : '',
		`key ${keyName} (${keyFrom === 'file' ? 'from the file' : 'found from the notes'})` +
			(transposition
				? `, moved ${transposition > 0 ? 'up' : 'down'} ${plural(Math.abs(transposition), 'semitone')} to ${mode === 'major' ? 'C major' : 'A minor'}`
				: ''),
		refitted ? `${plural(refitted, 'note')} moved into the model’s range` : '',
		meter
			? `meter ${formatMeter(meter)}`
			: ts
				? `the file’s meter ${ts.numerator}/${ts.denominator} has no bar of whole 16ths (4/4 assumed)`
				: 'no meter in the file (4/4 assumed)',
		cut && options.bars === undefined
			? `cut at ${plural(MAX_MIDI_SEED_STEPS, 'step')}, the most a seed holds`
			: ''
	];
	return {
		symbols,
		track: index,
		meter: meter ? formatMeter(meter) : undefined,
		barPhase,
		key: keyName,
		keyFrom,
		transposition,
		quantized,
		chords,
		hidden,
		refitted,
		cut,
		summary: parts.filter(Boolean).join('; ') + '.'
	};
}

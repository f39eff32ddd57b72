/**
 * A MIDI file as a seed: the highest line of one track, on the 16th grid, moved to C major / A minor as
 * the model expects (the encoding's own rule), with a sentence saying what changed on the way.
 */
import { Midi } from './midi';
import { fromEvents } from './notes';
import { EXPORT_KEYS } from './key';
import { estimateKey } from '../encoding/key';
import { isPitchSymbol } from '../music/pitch';
import { formatMeter, parseMeter } from '../music/meter';

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
	/** What changed, as a sentence. */
	summary: string;
}

/** Thrown for a file that is not MIDI or has no notes to take. */
export class MidiSeedError extends Error {}

function read(bytes: ArrayLike<number> | ArrayBuffer): InstanceType<typeof Midi> {
	try {
		return new Midi(bytes instanceof ArrayBuffer ? bytes : new Uint8Array(Array.from(bytes)));
	} catch {
		throw new MidiSeedError('This file could not be read as MIDI (a .mid or .midi file is needed).');
	}
}

/** The tracks of a MIDI file that have notes. */
export function midiTracks(bytes: ArrayLike<number> | ArrayBuffer): MidiTrackChoice[] {
	return read(bytes).tracks.flatMap((t, index) => {
		if (t.notes.length === 0) return [];
		const pitches = t.notes.map((n) => n.midi);
		return [
			{
				index,
				name: t.name || t.instrument.name || `Track ${index + 1}`,
				notes: t.notes.length,
				drums: t.channel === 9 || t.instrument.percussion,
				range: [Math.min(...pitches), Math.max(...pitches)] as [number, number]
			}
		];
	});
}

const LETTERS: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };

/** `Bb` → 10, `F#` → 6. */
function pitchClassOf(name: string): number | null {
	const m = /^([A-Ga-g])([#b]*)$/.exec(name.trim());
	if (!m) return null;
	let pc = LETTERS[m[1].toUpperCase()];
	for (const a of m[2]) pc += a === '#' ? 1 : -1;
	return ((pc % 12) + 12) % 12;
}

function plural(n: number, one: string, many = `${one}s`): string {
	return `${n} ${n === 1 ? one : many}`;
}

/**
 * The seed a MIDI file gives. `track`: the index of a track (default: the one with the most notes that
 * is not drums). `vocabulary`: the model's symbols; pitches it does not know are moved by octaves into
 * its range, else to the nearest pitch it knows. `bars`: keep only the first bars (of the file's meter,
 * 4/4 when it has none).
 */
export function midiToSeed(
	bytes: ArrayLike<number> | ArrayBuffer,
	options: { track?: number; vocabulary?: readonly string[]; bars?: number } = {}
): MidiSeed {
	const midi = read(bytes);
	const tracks = midiTracks(bytes);
	if (tracks.length === 0) throw new MidiSeedError('This MIDI file has no notes.');
	const choice =
		options.track !== undefined
			? tracks.find((t) => t.index === options.track)
			: [...tracks].sort((a, b) => Number(a.drums) - Number(b.drums) || b.notes - a.notes)[0];
	if (!choice) throw new MidiSeedError(`Track ${options.track! + 1} of this MIDI file has no notes.`);
	const track = midi.tracks[choice.index];

	// Onto the grid.
	const sixteenth = midi.header.ppq / 4;
	let quantized = 0;
	const notes = track.notes.map((n) => {
		const start = Math.round(n.ticks / sixteenth);
		const end = Math.max(start + 1, Math.round((n.ticks + n.durationTicks) / sixteenth));
		if (start * sixteenth !== n.ticks || end * sixteenth !== n.ticks + n.durationTicks) quantized++;
		return { pitch: n.midi, start, end };
	});
	// The highest line: at each step the top sounding note; a note is heard from where it is the top.
	const first = Math.min(...notes.map((n) => n.start));
	const last = Math.max(...notes.map((n) => n.end));
	const startsAt = new Map<number, number>();
	for (const n of notes) startsAt.set(n.start, (startsAt.get(n.start) ?? 0) + 1);
	const chords = [...startsAt.values()].filter((c) => c > 1).length;
	const line: { pitch: number; start: number; length: number }[] = [];
	const heard = new Set<(typeof notes)[number]>();
	for (let t = first; t < last; t++) {
		let top: (typeof notes)[number] | null = null;
		for (const n of notes) if (n.start <= t && t < n.end && (!top || n.pitch > top.pitch)) top = n;
		const prev = line.at(-1);
		if (!top) continue;
		heard.add(top);
		if (prev && prev.pitch === top.pitch && prev.start + prev.length === t - first && top.start !== t)
			prev.length++;
		else line.push({ pitch: top.pitch, start: t - first, length: 1 });
	}
	// Notes never heard, beyond the lower notes of chords.
	const hidden = notes.filter(
		(n) => !heard.has(n) && !notes.some((m) => m.start === n.start && m.pitch > n.pitch)
	).length;

	// Meter and where the first note falls in its bar.
	const ts = midi.header.timeSignatures[0]?.timeSignature;
	const meter = ts ? parseMeter(`${ts[0]}/${ts[1]}`) : null;
	const barPhase = meter ? first % meter.stepsPerBar : 0;

	// The key: the file's key signature, else the Aarden-Essen estimate the corpus uses.
	const signature = midi.header.keySignatures[0];
	const fromFile = signature?.key ? pitchClassOf(signature.key) : null;
	let tonic: number;
	let mode: 'major' | 'minor';
	let keyFrom: 'file' | 'notes';
	if (signature && fromFile !== null && fromFile !== undefined) {
		// The file stores the signature (sharps or flats) and the mode; the reader names the signature by
		// its major key, so a minor key's tonic is that key's relative minor.
		mode = signature.scale === 'minor' ? 'minor' : 'major';
		tonic = mode === 'minor' ? (fromFile + 9) % 12 : fromFile;
		keyFrom = 'file';
	} else {
		const histogram = new Array<number>(12).fill(0);
		for (const n of line) histogram[n.pitch % 12] += n.length;
		const est = estimateKey(histogram) ?? { tonic: 0, mode: 'major' as const };
		({ tonic, mode } = est);
		keyFrom = 'notes';
	}
	const transposition = mode === 'major' ? -tonic : 9 - tonic;
	const keyName = EXPORT_KEYS.find((k) => k.mode === mode && k.tonic === tonic)!.name;

	// Into the model's vocabulary.
	let refitted = 0;
	const known = (options.vocabulary ?? []).filter(isPitchSymbol).map(Number);
	const fit = (p: number) => {
		if (known.length === 0 || known.includes(p)) return p;
		refitted++;
		for (let o = 12; o <= 48; o += 12) for (const q of [p + o, p - o]) if (known.includes(q)) return q;
		return known.reduce((best, q) => (Math.abs(q - p) < Math.abs(best - p) ? q : best));
	};
	const moved = line.map((n) => ({ ...n, pitch: fit(n.pitch + transposition) }));
	let symbols = fromEvents(moved);
	if (options.bars !== undefined) {
		const spb = (meter ?? parseMeter('4/4')!).stepsPerBar;
		const pickup = (spb - barPhase) % spb;
		symbols = symbols.slice(0, pickup + options.bars * spb);
	}

	const parts = [
		`Took the highest line of track ${choice.index + 1} (“${choice.name}”): ${plural(line.length, 'note')}`,
		quantized ? `${plural(quantized, 'note')} moved to the 16th grid` : 'every note already on the 16th grid',
		chords ? `${plural(chords, 'chord')} reduced to the top note` : '',
		hidden ? `${plural(hidden, 'note')} under a higher one left out` : '',
		`key ${keyName} (${keyFrom === 'file' ? 'from the file' : 'found from the notes'})` +
			(transposition
				? `, moved ${transposition > 0 ? 'up' : 'down'} ${plural(Math.abs(transposition), 'semitone')} to ${mode === 'major' ? 'C major' : 'A minor'}`
				: ''),
		refitted ? `${plural(refitted, 'note')} moved into the model’s range` : '',
		meter ? `meter ${formatMeter(meter)}` : 'no meter in the file (4/4 assumed)'
	];
	return {
		symbols,
		track: choice.index,
		meter: meter ? formatMeter(meter) : undefined,
		barPhase,
		key: keyName,
		keyFrom,
		transposition,
		quantized,
		chords,
		hidden,
		refitted,
		summary: parts.filter(Boolean).join('; ') + '.'
	};
}

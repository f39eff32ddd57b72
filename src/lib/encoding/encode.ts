/**
 * The reference encoding, symbol for symbol (docs/reference.md): skip a song with a duration off the allowed
 * set, leave ties unmerged, move to C major / A minor (from the key designation where music21 finds it,
 * else the Aarden-Essen estimate), then one symbol per 16th: the MIDI number or `r` where a note or rest
 * starts, `_` while it lasts.
 */
import type { KernSong } from '../kern/reader';
import type { KernEvent } from '../kern/token';
import { DEFAULT_ENCODE_OPTIONS, type EncodeOptions, type EncodedSong } from './song';
import { estimateKey, keyName, pitchClassHistogram } from './key';
import { parseMeter } from '../music/meter';
import { HOLD, REST } from '../music/symbols';

/** Quarter lengths the reference keeps: 16th, 8th, dotted 8th, quarter, dotted quarter, half, dotted half, whole. */
export const ALLOWED_QUARTER_LENGTHS: readonly number[] = [0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4];

/** A song the encoder kept, or why it was skipped. */
export type EncodeResult =
	{ status: 'kept'; song: EncodedSong } | { status: 'skipped'; reason: string; line?: number };

function allowed(ql: number): boolean {
	for (const a of ALLOWED_QUARTER_LENGTHS) if (Math.abs(ql - a) < 1e-9) return true;
	return false;
}

/** Plain note values from the longest, in quarter notes. */
const NOTE_VALUES: [number, string][] = [
	[32, 'maxima'],
	[16, 'longa'],
	[8, 'breve'],
	[4, 'whole note'],
	[2, 'half note'],
	[1, 'quarter note'],
	[1 / 2, '8th note'],
	[1 / 4, '16th note'],
	[1 / 8, '32nd note'],
	[1 / 16, '64th note'],
	[1 / 32, '128th note']
];
const DOTS = ['', 'dotted ', 'double-dotted ', 'triple-dotted '];
const TUPLETS: [number, string][] = [
	[3, 'triplet'],
	[5, 'quintuplet'],
	[6, 'sextuplet'],
	[7, 'septuplet'],
	[9, 'nonuplet']
];

const near = (a: number, b: number) => Math.abs(a - b) < 1e-9 * Math.max(1, b);

/**
 * A duration as a musician names it, with its article: "a breve", "a 32nd note", "a dotted 16th note",
 * "an 8th-note triplet"; a value with no name is given as a fraction ("5/7 of a quarter note").
 */
export function describeDuration(ql: number): string {
	const article = (name: string) => (/^8/.test(name) ? `an ${name}` : `a ${name}`);
	for (const [value, name] of NOTE_VALUES)
		for (let d = 0; d < DOTS.length; d++) if (near(ql, value * (2 - 2 ** -d))) return article(DOTS[d] + name);
	// An n-tuplet plays n notes in the time of the largest power of two below n.
	for (const [n, tuplet] of TUPLETS) {
		const base = (ql * n) / 2 ** Math.floor(Math.log2(n));
		const plain = NOTE_VALUES.find(([value]) => near(base, value));
		if (plain) return article(`${plain[1].replace(/ note$/, '-note')} ${tuplet}`);
	}
	for (let d = 1; d <= 192; d++) {
		const n = Math.round(ql * d);
		if (n > 0 && Math.abs(ql * d - n) < 1e-6) return `${n}/${d} of a quarter note`;
	}
	return `${ql.toFixed(4)} quarter notes`;
}

/** Why an event's duration keeps the song out, as a sentence. */
function durationReason(e: KernEvent): string {
	const what = e.kind === 'rest' ? 'rest' : 'note';
	const value = describeDuration(e.quarterLength);
	const is = /^an? /.test(value) ? `is ${value}` : `lasts ${value}`;
	return (
		`Line ${e.line}: the ${what} "${e.token}" ${is}${e.tuplet && !/plet$/.test(value) ? ' (a tuplet value)' : ''}, ` +
		'not one of the values the reference encoding keeps (16th, 8th, dotted 8th, quarter, dotted quarter, ' +
		'half, dotted half, whole), so the song is skipped.' +
		(e.tuplet ? ' Turn on "quantize tuplets" to keep such songs.' : '')
	);
}

/** Encodes one song read by `readKern`. Never throws. */
export function encodeSong(song: KernSong, options: EncodeOptions = DEFAULT_ENCODE_OPTIONS): EncodeResult {
	const events = song.events;
	if (!events.some((e) => e.kind === 'note'))
		return { status: 'skipped', reason: 'The melody has no notes.' };
	if (!options.quantizeTuplets) {
		for (const e of events)
			if (!allowed(e.quarterLength)) return { status: 'skipped', reason: durationReason(e), line: e.line };
	}

	let key: string;
	let transposition: number;
	let keyEstimated = false;
	if (song.music21Key) {
		key = song.music21Key.name;
		transposition = (song.music21Key.mode === 'major' ? 60 : 69) - song.music21Key.tonicMidi;
	} else {
		const est = estimateKey(pitchClassHistogram(events));
		if (!est) return { status: 'skipped', reason: 'The melody has no notes to find its key from.' };
		key = keyName(est);
		keyEstimated = true;
		transposition = est.mode === 'major' ? -est.tonic : 9 - est.tonic;
	}
	if (options.keepKey) transposition = 0;

	const symbols: string[] = [];
	let start = 0; // onset in quarter notes, exact for the reference's durations
	let dropped = 0;
	for (const e of events) {
		let steps: number;
		if (options.quantizeTuplets) {
			const end = start + e.quarterLength;
			steps = Math.round(end * 4 + 1e-9) - Math.round(start * 4 + 1e-9);
			start = end;
			if (steps <= 0) {
				dropped++;
				continue;
			}
		} else steps = Math.round(e.quarterLength * 4);
		let symbol: string;
		if (e.kind === 'rest') symbol = REST;
		else {
			const midi = (e.midi as number) + transposition;
			if (midi < 0 || midi > 127)
				return {
					status: 'skipped',
					reason: `Line ${e.line}: the note "${e.token}" falls outside the MIDI range (0–127).`,
					line: e.line
				};
			symbol = String(midi);
		}
		symbols.push(symbol);
		for (let s = 1; s < steps; s++) symbols.push(HOLD);
	}
	if (symbols.length === 0)
		return { status: 'skipped', reason: 'Nothing is left of the melody on the 16th-note grid.' };

	const out: EncodedSong = { path: song.path, transposition, symbols, key, keyEstimated };
	if (song.title) out.title = song.title;
	if (song.region) out.region = song.region;
	if (song.sct) out.sct = song.sct;
	if (song.meter !== undefined) out.meter = song.meter;
	const phase = barPhase(song);
	if (phase !== undefined) Object.assign(out, { barPhase: phase }, barsOf(song, symbols.length));
	const notes = [...song.remarks];
	const offGrid = options.quantizeTuplets ? events.filter((e) => !allowed(e.quarterLength)).length : 0;
	if (offGrid > 0) notes.push(`quantized ${offGrid} note${offGrid === 1 ? '' : 's'} to the 16th grid`);
	if (dropped > 0) notes.push(`quantizing dropped ${dropped} very short note${dropped === 1 ? '' : 's'}`);
	if (notes.length > 0) out.remarks = notes;
	return { status: 'kept', song: out };
}

/**
 * Position of the first step in its bar, from the first numeric meter and the pickup before the first
 * barline. A pickup of a whole bar or more means the file marks no opening barline: phase 0.
 */
export function barPhase(song: Pick<KernSong, 'meter' | 'meterNumeric' | 'barlines'>): number | undefined {
	const meter = song.meterNumeric ? parseMeter(song.meter) : null;
	if (!meter || song.barlines.length === 0) return undefined;
	const bar = meter.stepsPerBar;
	const pickup = song.barlines[0] * 4;
	if (Math.abs(pickup - Math.round(pickup)) > 1e-6) return undefined;
	const steps = Math.round(pickup);
	return steps === 0 || steps >= bar ? 0 : bar - steps;
}

/** Barline steps strictly inside a song of `length` steps, and meter changes after the first. */
function barsOf(song: KernSong, length: number): Pick<EncodedSong, 'bars' | 'meterChanges'> {
	const steps = (q: number) => Math.round(q * 4);
	const bars = song.barlines.map(steps).filter((s, i, a) => s > 0 && s < length && s !== a[i - 1]);
	const changes = song.meters.slice(1).map((m) => ({ at: steps(m.at), meter: m.meter }));
	const out: Pick<EncodedSong, 'bars' | 'meterChanges'> = {};
	if (bars.length) out.bars = bars;
	if (changes.some((c) => c.meter !== song.meter)) out.meterChanges = changes;
	return out;
}

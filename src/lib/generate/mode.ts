/**
 * Writing in a mode. The model writes in C major or A minor (the encoding moves every song there), so a
 * mode is asked for in those two homes: major-like modes on C, minor-like ones on A (`modeFamily`), and the
 * key chosen by the musician only moves the finished tune (`Key.shift`). Within its home a mode is a set of
 * pitch classes: notes outside it are never drawn, and a tune that does not sound in the mode's family
 * (the app's own major/minor estimate) is drawn again.
 */
import { isPitchSymbol } from '../music/pitch';
import { modeFamily, type Mode } from '../music/key';
import { estimateMode } from '../encoding/key';
import { REST, SONG_END } from '../music/symbols';

/**
 * The modes a musician can ask for, with the pitch classes allowed in the model's home (C = 0). Minor
 * keeps the raised seventh (G♯ in A) that minor folk tunes lean on; Aeolian and Dorian are the church
 * modes, Dorian with its raised sixth (F♯ in A), Mixolydian with its lowered seventh (B♭ in C).
 */
export const MODE_SCALES: Readonly<Partial<Record<Mode, readonly number[]>>> = {
	major: [0, 2, 4, 5, 7, 9, 11],
	minor: [9, 11, 0, 2, 4, 5, 7, 8],
	dorian: [9, 11, 0, 2, 4, 6, 7],
	mixolydian: [0, 2, 4, 5, 7, 9, 10],
	aeolian: [9, 11, 0, 2, 4, 5, 7]
};

/**
 * The degree that makes a mode what it is, where the model's own major or minor has its neighbour: when the
 * model reaches for the sixth of A minor (F) a Dorian tune plays F♯, for the seventh of C major (B) a
 * Mixolydian one plays B♭, for G♯ an Aeolian one plays G. Banning the model's note alone would leave
 * tunes that avoid the degree and are not heard in the mode.
 */
const MODE_SWAPS: Readonly<Partial<Record<Mode, Readonly<Record<number, number>>>>> = {
	dorian: { 5: 6 },
	mixolydian: { 11: 10 },
	aeolian: { 8: 7 }
};

/**
 * Whole tunes drawn at most in an asked mode before the best is kept. At the app's defaults a tune asked
 * in Dorian is heard in it about one draw in five (docs/model-card.md, "Keys and modes"); ten draws bring
 * every mode offered to 90 % or more.
 */
export const MAX_MODE_DRAWS = 10;

/** The modes generation offers, in the order a musician meets them. */
export const GENERATE_MODES = Object.keys(MODE_SCALES) as Mode[];

/**
 * How a mode reshapes the model's distribution over `vocabulary`: `moveTo[i]` is where symbol i's
 * probability goes (itself for symbols in the mode, its swap partner for the model's neighbour of the
 * mode's own degree, −1 for other notes outside the mode: never drawn).
 */
export function modeMap(vocabulary: readonly string[], mode: Mode): Int32Array {
	const scale = MODE_SCALES[mode];
	if (!scale)
		throw new Error(`Tunes cannot be written in ${mode}: choose one of ${GENERATE_MODES.join(', ')}.`);
	const allowed = new Set(scale);
	const swaps = MODE_SWAPS[mode] ?? {};
	const index = new Map(vocabulary.map((s, i) => [s, i]));
	return Int32Array.from(vocabulary, (s, i) => {
		if (!isPitchSymbol(s)) return i;
		const p = Number(s);
		if (allowed.has(p % 12)) return i;
		const to = swaps[p % 12];
		return to === undefined ? -1 : (index.get(String(p - (p % 12) + to)) ?? -1);
	});
}

/** `probabilities` with each symbol's share moved as `moveTo` says (renormalised by the sampler). */
export function inMode(probabilities: ArrayLike<number>, moveTo: Int32Array): Float32Array {
	const out = new Float32Array(probabilities.length);
	for (let i = 0; i < moveTo.length; i++) if (moveTo[i] >= 0) out[moveTo[i]] += probabilities[i];
	return out;
}

/** Pitch classes a seedless tune in `mode` may begin on: its tonic or fifth, which set its key at once. */
export function openingPitchClasses(mode: Mode): number[] {
	const tonic = homeTonic(mode);
	return [tonic, (tonic + 7) % 12];
}

/** Whether the melody's last note is the mode's tonic. */
export function endsOnTonic(symbols: readonly string[], mode: Mode): boolean {
	for (let i = symbols.length - 1; i >= 0; i--)
		if (isPitchSymbol(symbols[i])) return Number(symbols[i]) % 12 === homeTonic(mode);
	return false;
}

/** How long each pitch class sounds in a melody, in steps. */
function pitchClassTime(symbols: readonly string[]): number[] {
	const time = Array<number>(12).fill(0);
	let pc = -1;
	for (const s of symbols) {
		if (isPitchSymbol(s)) pc = Number(s) % 12;
		else if (s === REST || s === SONG_END) pc = -1;
		if (pc >= 0) time[pc]++;
	}
	return time;
}

/**
 * The mode a melody in the model's home is heard in: major or minor by the app's key estimate
 * (`estimateMode`, the Aarden-Essen profiles), then Dorian where the sixth above A is raised more than
 * not, Mixolydian where the seventh above C is lowered more than not, Aeolian for a minor tune that never
 * raises its seventh.
 */
export function hearMode(symbols: readonly string[]): Mode {
	const time = pitchClassTime(symbols);
	if (estimateMode(symbols) === 'major') return time[10] > time[11] ? 'mixolydian' : 'major';
	if (time[6] > time[5]) return 'dorian';
	return time[8] === 0 ? 'aeolian' : 'minor';
}

/** Whether a melody is heard in the asked mode: `minor` takes Aeolian too (it is the natural minor). */
export function soundsIn(symbols: readonly string[], mode: Mode): boolean {
	const heard = hearMode(symbols);
	return heard === mode || (mode === 'minor' && heard === 'aeolian');
}

/** The tonic of a mode in the model's home: C for major-like modes, A for minor-like ones. */
export function homeTonic(mode: Mode): number {
	return modeFamily(mode) === 'major' ? 0 : 9;
}

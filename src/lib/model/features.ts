/**
 * Where each step falls in its bar, as extra inputs beside the symbol. The encoding drops the meter, yet
 * onsets and pitches depend strongly on it (a downbeat almost always starts a note): a model told the
 * meter and the bar position predicts held-out songs better (docs/model-card.md). Every song carries its
 * meter and the bar phase of its first step (`EncodedSong.barPhase`), so the position of any step is
 * known; when it is not (a free meter), the features are all zero.
 *
 * Features of a position p in a bar of L steps (multi-hot, METER_FEATURES wide):
 * - p one-hot (p mod 48),
 * - the bar length as one of BAR_LENGTHS, or "other",
 * - metrical flags: downbeat, on the 8th / quarter / half grid, on the dotted-quarter / dotted-half grid,
 *   the middle of the bar, and whether the meter is compound (6/8, 9/8, 12/8, 6/4).
 */

const POSITIONS = 48;
/** Bar lengths in 16th steps with their own feature: 3/8, 2/4, 3/4 and 6/8, 4/4, 6/4 and 3/2, 4/2, 6/2. */
const BAR_LENGTHS = [6, 8, 12, 16, 24, 32, 48];
const FLAGS = 8;

/** Width of the feature vector added to the one-hot symbol. */
export const METER_FEATURES = POSITIONS + BAR_LENGTHS.length + 1 + FLAGS;

/** A song's meter as the features need it: steps per bar, compound or not, and the first step's phase. */
export interface BarContext {
	stepsPerBar: number;
	compound: boolean;
	/** Position of the song's first step in its bar. */
	phase: number;
}

/** Reads `3/4`, `6/8`, `*M3/4` with a phase; null for free or odd meters (no features then). */
export function barContext(meter: string | undefined, phase: number | undefined): BarContext | null {
	if (!meter || phase === undefined) return null;
	const m = /^\*?M?(\d+)\/(\d+)/.exec(meter.trim());
	if (!m) return null;
	const numerator = Number(m[1]);
	const stepsPerBar = (16 * numerator) / Number(m[2]);
	if (!Number.isInteger(stepsPerBar) || stepsPerBar < 1 || phase < 0 || phase >= stepsPerBar) return null;
	return { stepsPerBar, compound: numerator % 3 === 0 && numerator > 3, phase };
}

const cache = new Map<string, number[]>();

const NONE: readonly number[] = [];

/**
 * Indices (into the METER_FEATURES block) that are 1 for the target at `step` of a song: step 0 is the
 * song's first symbol, predicted after the `/` that starts it.
 */
export function featureIndices(bar: BarContext | null, step: number): readonly number[] {
	if (!bar) return NONE;
	const L = bar.stepsPerBar;
	const p = (bar.phase + step) % L;
	const key = `${L}:${bar.compound ? 1 : 0}:${p}`;
	let out = cache.get(key);
	if (out) return out;
	const k = BAR_LENGTHS.indexOf(L);
	out = [p % POSITIONS, POSITIONS + (k < 0 ? BAR_LENGTHS.length : k)];
	const flagBase = POSITIONS + BAR_LENGTHS.length + 1;
	const flags = [
		p === 0,
		p % 2 === 0,
		p % 4 === 0,
		p % 8 === 0,
		p % 6 === 0,
		p % 12 === 0,
		L % 2 === 0 && p === L / 2,
		bar.compound
	];
	flags.forEach((on, i) => on && out!.push(flagBase + i));
	cache.set(key, out);
	return out;
}

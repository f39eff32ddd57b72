/**
 * Where each step falls in its bar, as extra inputs beside the symbol. The encoding drops the meter, yet
 * onsets and pitches depend strongly on it (a downbeat almost always starts a note): a model told the
 * meter and the bar position predicts held-out songs better (docs/model-card.md). Songs carry their meter,
 * the bar phase of the first step and their barlines, so the position of every step is known; for a free
 * meter the features are all zero.
 *
 * The features describe a position by relations that hold in any meter, so a model trained mostly on
 * 2/4, 3/4, 4/4 and 6/8 still reads a 4/2 or 3/2 song sensibly (a one-hot of the position did not:
 * held-out songs in unseen meters scored far worse): steps since the downbeat and until the next (each
 * one-hot, capped at 16), whether the step is on the 8th, quarter, half or whole grid, on the dotted
 * quarter or dotted half grid, halfway or a third of the way through the bar, and whether the meter is
 * compound.
 */

import { parseMeter } from '../music/meter';

const SPAN = 16;
const FLAGS = 10;

/** Width of the feature vector added to the one-hot symbol. */
export const METER_FEATURES = 2 * SPAN + FLAGS;

/** One meter: bar length in 16th steps and whether it is compound (6/8, 9/8, 12/8, 6/4). */
interface BarMeter {
	stepsPerBar: number;
	compound: boolean;
}

/** Everything that places a song's steps in their bars. */
export interface BarContext extends BarMeter {
	/** Position of the song's first step in its bar. */
	phase: number;
	/** Steps where a barline falls inside the song, ascending (from the score; optional). */
	bars?: readonly number[];
	/** Later meters and the step each starts at, ascending. */
	changes?: readonly ({ at: number } & BarMeter)[];
}

function parseBarMeter(meter: string | undefined): BarMeter | null {
	const m = parseMeter(meter);
	return m ? { stepsPerBar: m.stepsPerBar, compound: m.numerator % 3 === 0 && m.numerator > 3 } : null;
}

/** Reads `3/4`, `6/8`, `*M3/4` with a phase; null for free or odd meters (no features then). */
export function barContext(meter: string | undefined, phase: number | undefined): BarContext | null {
	const m = parseBarMeter(meter);
	if (!m || phase === undefined || phase < 0 || phase >= m.stepsPerBar) return null;
	return { ...m, phase };
}

/** The bar context of an encoded song: its meter, phase, barlines and meter changes. */
export function songBarContext(song: {
	meter?: string;
	barPhase?: number;
	bars?: readonly number[];
	meterChanges?: readonly { at: number; meter: string }[];
}): BarContext | null {
	const bar = barContext(song.meter, song.barPhase);
	if (!bar) return null;
	if (song.bars?.length) bar.bars = song.bars;
	const changes = (song.meterChanges ?? []).flatMap((c) => {
		const m = parseBarMeter(c.meter);
		return m ? [{ at: c.at, ...m }] : [];
	});
	if (changes.length) bar.changes = changes;
	return bar;
}

/** Last index i with a[i] <= x, or −1. */
function lastAtOrBefore(a: readonly number[], x: number): number {
	let lo = 0;
	let hi = a.length - 1;
	let found = -1;
	while (lo <= hi) {
		const mid = (lo + hi) >> 1;
		if (a[mid] <= x) {
			found = mid;
			lo = mid + 1;
		} else hi = mid - 1;
	}
	return found;
}

/** The meter in force at `step`, and the step's position in its bar. */
export function barPosition(bar: BarContext, step: number): { position: number; meter: BarMeter } {
	let meter: BarMeter = bar;
	// Changes are few and in order: the last one at or before the step is in force.
	for (const c of bar.changes ?? []) if (c.at <= step) meter = c;
	const L = meter.stepsPerBar;
	const k = bar.bars ? lastAtOrBefore(bar.bars, step) : -1;
	const p = k >= 0 ? step - bar.bars![k] : bar.phase + step;
	return { position: p % L, meter };
}

const NONE: readonly number[] = [];
const cache = new Map<string, number[]>();

/**
 * Indices (into the METER_FEATURES block) that are 1 for the target at `step` of a song: step 0 is the
 * song's first symbol, predicted after the `/` that starts it.
 */
export function featureIndices(bar: BarContext | null, step: number): readonly number[] {
	if (!bar) return NONE;
	const { position: p, meter } = barPosition(bar, step);
	const L = meter.stepsPerBar;
	const key = `${L}:${meter.compound ? 1 : 0}:${p}`;
	let out = cache.get(key);
	if (out) return out;
	out = [Math.min(p, SPAN - 1), SPAN + Math.min(L - p, SPAN) - 1];
	const flags = [
		p === 0,
		p % 2 === 0,
		p % 4 === 0,
		p % 8 === 0,
		p % 16 === 0,
		p % 6 === 0,
		p % 12 === 0,
		2 * p === L,
		3 * p === L || 3 * p === 2 * L,
		meter.compound
	];
	flags.forEach((on, i) => on && out!.push(2 * SPAN + i));
	cache.set(key, out);
	return out;
}

/**
 * Width of the dense block after the one-hot symbol: the bar features (with bar input), then one slot per
 * style, then the lookback block (`lookbackSize`, with lookback). A step without a style leaves every style
 * slot at zero ("no style").
 */
export function extraInputSize(meterInput: boolean, styles: number, lookback = 0): number {
	return (meterInput ? METER_FEATURES : 0) + styles + lookback;
}

/**
 * Lookback (Magenta's Lookback RNN, for folk tunes whose bars and phrases repeat): beside each step the
 * model reads the song's symbol one, two, four and eight bars before the target (a bar, a phrase, a
 * section: measured best of 1–2, 1–2–4 and 1–2–4–8 in docs/model-card.md, section E), and whether the
 * symbol it just read repeats the one that many bars before it. Training reads 16 steps at a time, so without these
 * inputs the gradient barely reaches the previous bar, and the model could not learn to copy it.
 * The block: a one-hot of the symbol each LOOKBACK_BARS back [v each], then one repeat flag each.
 */
export const LOOKBACK_BARS = [1, 2, 4, 8] as const;

/** Width of the lookback block for a vocabulary of `vocabularySize` symbols. */
export function lookbackSize(vocabularySize: number): number {
	return LOOKBACK_BARS.length * (vocabularySize + 1);
}

/** Width of a model's first layer input: the one-hot symbol, then every block `extraInputSize` names. */
export function firstInputSize(
	vocabularySize: number,
	w: { meterInput?: boolean; styles?: readonly string[]; lookback?: boolean }
): number {
	const meter = w.meterInput === true;
	const back = meter && w.lookback === true ? lookbackSize(vocabularySize) : 0;
	return vocabularySize + extraInputSize(meter, w.styles?.length ?? 0, back);
}

/** How far lookback reaches: eight bars of 4/4, four of 4/2; longer reaches are left out. */
export const LOOKBACK_REACH = 128;

/**
 * Indices (into the lookback block) that are 1 for the target at `step` of a song, where `symbolAt(i)` is
 * the song's step i (i < step). None without a bar context: songs in free meter have no bar to look back.
 */
export function lookbackIndices(
	bar: BarContext | null,
	step: number,
	symbolAt: (i: number) => number,
	vocabularySize: number
): number[] {
	if (!bar) return [];
	const L = barPosition(bar, step).meter.stepsPerBar;
	const out: number[] = [];
	LOOKBACK_BARS.forEach((bars, k) => {
		const back = step - bars * L;
		if (back >= 0 && bars * L <= LOOKBACK_REACH) out.push(k * vocabularySize + symbolAt(back));
	});
	const last = step - 1;
	const flags = LOOKBACK_BARS.length * vocabularySize;
	LOOKBACK_BARS.forEach((bars, k) => {
		const back = last - bars * L;
		if (back >= 0 && bars * L < LOOKBACK_REACH && symbolAt(last) === symbolAt(back)) out.push(flags + k);
	});
	return out;
}

/** Index, in the block after the one-hot symbol, of style `s`. */
export function styleSlot(meterInput: boolean, s: number): number {
	return (meterInput ? METER_FEATURES : 0) + s;
}

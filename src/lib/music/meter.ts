/**
 * Meters on the 16th-note grid: the encoding drops the meter, so bar lines, "length in bars" and the
 * exported time signature come from the meter the user (or the seed's song) gives.
 */

/** A time signature and its bar length in 16th-note steps. */
export interface Meter {
	numerator: number;
	denominator: number;
	/** 16th-note steps per bar. */
	stepsPerBar: number;
}

/** The meter assumed when none is known. */
export const DEFAULT_METER: Meter = { numerator: 4, denominator: 4, stepsPerBar: 16 };

/** Meters offered in the app. */
export const COMMON_METERS = ['2/4', '3/4', '4/4', '3/8', '6/8', '9/8', '12/8', '2/2', '3/2', '5/4'];

/**
 * Reads `3/4`, `*M3/4`, `M6/8` into a meter; null for non-numeric meters (`MX`, `FREI`) and for bars
 * that are not a whole number of 16ths.
 */
export function parseMeter(text: string | undefined | null): Meter | null {
	if (!text) return null;
	const m = /^\*?M?(\d+)\/(\d+)$/.exec(text.trim());
	if (!m) return null;
	const numerator = Number(m[1]);
	const denominator = Number(m[2]);
	if (numerator < 1 || ![1, 2, 4, 8, 16].includes(denominator)) return null;
	const stepsPerBar = (16 * numerator) / denominator;
	if (!Number.isInteger(stepsPerBar)) return null;
	return { numerator, denominator, stepsPerBar };
}

/** `{3, 4}` → `3/4`. */
export function formatMeter(meter: Meter): string {
	return `${meter.numerator}/${meter.denominator}`;
}

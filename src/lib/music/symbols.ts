/**
 * The symbols of the time series besides MIDI numbers (docs/reference.md): one
 * per 16th note, `_` while a note or rest lasts, `r` where a rest starts, `/` between songs.
 */

/** The previous note or rest goes on for another 16th. */
export const HOLD = '_';
/** A rest starts. */
export const REST = 'r';
/** Between songs: fed first to start a song, predicted last to end it. */
export const SONG_END = '/';

/**
 * True for a symbol of the melody notation: a MIDI number 0–127 written plainly (`60`, not `060` or
 * `60.0`), `r`, `_` or `/`. Anything else in a model's vocabulary (a duplicate aside) is a broken file.
 */
export function isMelodySymbol(s: unknown): s is string {
	if (s === HOLD || s === REST || s === SONG_END) return true;
	return typeof s === 'string' && /^(0|[1-9]\d{0,2})$/.test(s) && Number(s) <= 127;
}

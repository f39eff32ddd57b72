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

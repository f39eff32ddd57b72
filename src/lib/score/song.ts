/**
 * A corpus song as a score: its own meter, upbeat and key (the encoding moved it to C major / A minor;
 * the score moves it back to where the file wrote it).
 */
import type { EncodedSong } from '../encoding/song';
import { parseMeter } from '../music/meter';
import { EXPORT_KEYS, estimateMode, findKey, type ExportKey, type Mode } from '../formats/key';
import type { ScoreInput } from './engrave';

/** Everything but the width: that is the view's. */
export type SongScore = Omit<ScoreInput, 'width'> & {
	/** Lines for the reader where the score cannot show the song exactly as written. */
	remarks: string[];
};

/** The key the song was written in, with the shift that takes its encoded symbols back there. */
export function songKey(song: Pick<EncodedSong, 'key' | 'transposition' | 'symbols'>): ExportKey {
	const shift = -song.transposition;
	const named = song.key ? findKey(song.key) : undefined;
	if (named) return { ...named, shift };
	const mode: Mode = estimateMode(song.symbols);
	const home = mode === 'major' ? 0 : 9;
	const tonic = (((home + shift) % 12) + 12) % 12;
	const key = EXPORT_KEYS.find((k) => k.mode === mode && k.tonic === tonic)!;
	return { ...key, shift };
}

/** A corpus song ready to engrave. */
export function songScore(song: EncodedSong): SongScore {
	const meter = parseMeter(song.meter);
	const remarks: string[] = [];
	if (!meter)
		remarks.push(
			`The song is in free or unknown meter (${song.meter ?? 'none written'}); barlines follow 4/4 only as a guide.`
		);
	if (song.meterChanges?.length)
		remarks.push(`The song changes meter; the score keeps ${song.meter} throughout.`);
	const phase = meter && song.barPhase ? song.barPhase % meter.stepsPerBar : 0;
	return {
		symbols: song.symbols,
		meter: meter ? song.meter : undefined,
		key: songKey(song),
		pickup: meter && phase > 0 ? meter.stepsPerBar - phase : 0,
		remarks
	};
}

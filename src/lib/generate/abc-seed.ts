/**
 * An ABC tune pasted as the seed: the first tune of the text that can be read, encoded as corpus songs are
 * (moved to C major / A minor from its `K:`, repeats played out, triplets on the 16th grid), its first
 * bars, with pitches the model does not know moved by octaves into its range. Runs in the worker.
 */
import { readAbc } from '../notation/abc-in';
import { holdTies } from '../corpus/abc';
import { encodeSong } from '../encoding/encode';
import { knownPitches, seedFromSong } from './seed';
import { parseMeter } from '../music/meter';
import { isPitchSymbol } from '../music/pitch';
import { parseKey } from '../music/key';

/** Why pasted text gives no seed: a sentence for the musician. */
export class AbcSeedError extends Error {}

export interface AbcSeed {
	/** In the model's notation, in C major or A minor. */
	symbols: string[];
	meter?: string;
	/** Where the first note falls in its bar (16ths; 0 = on the downbeat). */
	barPhase: number;
	title?: string;
	tune?: number;
	/** Key as the tune's K: names it, kern-style (`G`, `a:dor`). */
	key?: string;
	transposition: number;
	/** Notes moved by octaves (or to the nearest known pitch) into the model's range. */
	refitted: number;
	/** What was taken, as a sentence. */
	summary: string;
}

/** The most text read as a seed: a tune is a few kB; a whole book belongs in step 1. */
export const MAX_ABC_SEED_CHARS = 200_000;

export function abcToSeed(text: string, options: { bars: number; vocabulary: readonly string[] }): AbcSeed {
	if (text.length > MAX_ABC_SEED_CHARS)
		throw new AbcSeedError(
			'The pasted text is over 200,000 characters; paste one tune, or import the book in step 1.'
		);
	if (!text.trim())
		throw new AbcSeedError('Paste an ABC tune (X:, T:, M:, L:, K: and its notes) to take the seed from.');
	// A tune pasted without its X: line is read as one tune all the same.
	const r = readAbc(/^X:/m.test(text) ? text : `X:1\n${text}`);
	if (!r.ok) throw new AbcSeedError(`No tune could be read: ${r.reason}`);
	let why = '';
	for (const t of r.tunes) {
		if (!t.ok) {
			why ||= t.reason;
			continue;
		}
		// A seed takes any note length: what the grid cannot hold is rounded, not refused.
		const e = encodeSong(t.song, { keepKey: false, quantizeTuplets: true });
		if (e.status === 'skipped') {
			why ||= e.reason;
			continue;
		}
		const song = e.song;
		holdTies(song.symbols, t.song.events);
		const meter = parseMeter(song.meter) ? song.meter : undefined;
		const cut = seedFromSong(song, Math.max(1, Math.min(16, Math.floor(options.bars))));
		const known = knownPitches(options.vocabulary);
		const knownSet = new Set(known);
		let refitted = 0;
		const fit = (p: number): number => {
			if (known.length === 0 || knownSet.has(p)) return p;
			refitted++;
			for (let o = 12; o <= 48; o += 12) for (const q of [p + o, p - o]) if (knownSet.has(q)) return q;
			return known.reduce((best, q) => (Math.abs(q - p) < Math.abs(best - p) ? q : best));
		};
		const symbols = cut.map((s) => (isPitchSymbol(s) ? String(fit(Number(s))) : s));
		const name = `${t.tune !== undefined ? `X:${t.tune}` : 'The tune'}${t.title ? ` “${t.title}”` : ''}`;
		const parts = [
			`${name}: its first ${options.bars === 1 ? 'bar' : `${Math.floor(options.bars)} bars`}`,
			song.key
				? `key ${parseKey(song.key)?.name ?? song.key}${song.keyEstimated ? ' (found from the notes)' : ''}` +
					(song.transposition
						? `, moved ${song.transposition > 0 ? 'up' : 'down'} ${Math.abs(song.transposition)} semitone${Math.abs(song.transposition) === 1 ? '' : 's'}`
						: '')
				: '',
			meter ? `meter ${meter}` : 'no meter (4/4 assumed)',
			...(song.remarks ?? []),
			refitted ? `${refitted} note${refitted === 1 ? '' : 's'} moved into the model’s range` : ''
		];
		const out: AbcSeed = {
			symbols,
			barPhase: meter ? (song.barPhase ?? 0) : 0,
			transposition: song.transposition,
			refitted,
			summary: parts.filter(Boolean).join('; ') + '.'
		};
		if (meter) out.meter = meter;
		if (song.title) out.title = song.title;
		if (t.tune !== undefined) out.tune = t.tune;
		if (song.key) out.key = song.key;
		return out;
	}
	throw new AbcSeedError(`No tune in the pasted text gives a seed: ${why || 'it holds no notes.'}`);
}

/**
 * Seeds: what the model continues. Typed in the encoding's notation (pitch names allowed too), taken
 * from the first bars of a corpus song, or empty (the model begins a song itself).
 */
import type { EncodedSong } from '../encoding/song';
import { describeSymbol, isPitchSymbol, parsePitchName, pitchName } from '../music/pitch';
import { DEFAULT_METER, parseMeter, type Meter } from '../music/meter';
import { HOLD, REST, SONG_END } from '../music/symbols';

/** One thing wrong with a typed seed, said so a person can fix it. */
export interface SeedProblem {
	/** Position of the token in the typed seed (0-based). */
	index: number;
	token: string;
	message: string;
}

/** A parsed seed: the symbols the model will read, and what could not be read. */
export interface ParsedSeed {
	symbols: string[];
	problems: SeedProblem[];
}

/** The pitches (MIDI numbers) a vocabulary knows, ascending. */
export function knownPitches(vocabulary: readonly string[]): number[] {
	return vocabulary
		.filter(isPitchSymbol)
		.map(Number)
		.sort((a, b) => a - b);
}

/** The known pitches on either side of `midi`: the nearest one below and the nearest one above. */
export function nearestPitches(midi: number, known: readonly number[]): number[] {
	const below = known.filter((k) => k < midi).at(-1);
	const above = known.find((k) => k > midi);
	return [below, above].filter((k): k is number => k !== undefined);
}

function named(midi: number): string {
	return `${midi} (${pitchName(midi)})`;
}

/**
 * Reads a typed seed (`67 _ 67 _ 65 64 _`; `G4` for `67`, `-` or `.` for `_` are accepted too) against a
 * model's vocabulary. Symbols the model does not know are reported with the nearest pitches it does know.
 */
export function parseSeed(text: string, vocabulary: readonly string[]): ParsedSeed {
	const vocab = new Set(vocabulary);
	const known = knownPitches(vocabulary);
	const tokens = text.split(/[\s,]+/).filter((t) => t.length > 0);
	const symbols: string[] = [];
	const problems: SeedProblem[] = [];
	tokens.forEach((token, index) => {
		let symbol = token;
		if (token === '-' || token === '.') symbol = HOLD;
		else if (/^[rR]$/.test(token)) symbol = REST;
		else if (!isPitchSymbol(token) && token !== HOLD && token !== SONG_END) {
			const midi = parsePitchName(token);
			if (midi === null) {
				problems.push({
					index,
					token,
					message: `“${token}” is not a note: write MIDI numbers (60) or pitch names (C4), r for a rest and _ to hold the previous note for another 16th.`
				});
				return;
			}
			symbol = String(midi);
		}
		if (symbol === SONG_END) {
			problems.push({
				index,
				token,
				message:
					'“/” marks the end of a song; leave it out of the seed (an empty seed lets the model begin a song).'
			});
			return;
		}
		if (symbol === HOLD && symbols.length === 0) {
			problems.push({
				index,
				token,
				message: 'The seed starts with “_”, which holds a note that is not there: begin with a pitch or r.'
			});
			return;
		}
		if (!vocab.has(symbol)) {
			if (isPitchSymbol(symbol)) {
				const near = nearestPitches(Number(symbol), known);
				problems.push({
					index,
					token,
					message:
						`${named(Number(symbol))} is outside what this model knows (${named(known[0])} to ${named(known[known.length - 1])}, not every one); ` +
						`the nearest it knows: ${near.map(named).join(' or ')}.`
				});
			} else {
				problems.push({ index, token, message: `This model does not know ${describeSymbol(symbol)}.` });
			}
			return;
		}
		symbols.push(symbol);
	});
	return { symbols, problems };
}

/** The first `bars` bars of a corpus song (its own meter, else 4/4). */
export function seedFromSong(song: EncodedSong, bars: number, meter?: Meter): string[] {
	const m = meter ?? parseMeter(song.meter) ?? DEFAULT_METER;
	// A pickup comes on top of the whole bars asked for, so the seed ends on a barline.
	const pickup = song.barPhase ? (m.stepsPerBar - (song.barPhase % m.stepsPerBar)) % m.stepsPerBar : 0;
	const symbols = song.symbols.slice(0, Math.max(0, pickup + Math.round(bars * m.stepsPerBar)));
	// Never begin with a hold (a song cannot, but a cut one could if it were shifted).
	while (symbols[0] === HOLD) symbols.shift();
	return symbols;
}

/** Symbols as the notation a person types. */
export function formatSymbols(symbols: readonly string[]): string {
	return symbols.join(' ');
}

/**
 * A tune as a link: everything needed to show, play and export it again (its notes in the model's keys,
 * meter, upbeat, key, mode, tempo and name) in the URL's fragment, so it needs no server, works offline and
 * never reaches one (browsers do not send the fragment). The text is compact and readable enough to check
 * by eye: `v1.<meter>.<phase>.<tonic>.<mode>.<bpm>.<name>.<notes>`, each part URL-encoded, the notes as
 * their symbols joined by `-`.
 */
import { isPitchSymbol } from '../music/pitch';
import { HOLD, REST } from '../music/symbols';
import { parseMeter } from '../music/meter';
import { MODES, type Mode } from '../music/key';
import { cleanName } from './name';

/** What a link carries. */
export interface SharedTune {
	/** Symbols in the model's keys (C major / A minor): pitches, `_` and `r`. */
	symbols: string[];
	meter: string;
	/** Where the first step falls in its bar (an upbeat), in 16th steps. */
	barPhase: number;
	/** The key's tonic, pitch class 0–11. */
	tonic: number;
	/** The mode it was written in; null: heard as major or minor from its notes. */
	mode: Mode | null;
	bpm: number;
	name: string;
}

/** The fragment's key: `#tune=…`. */
export const SHARE_PARAM = 'tune';
/** The most steps a link carries (64 bars of 12/8); longer tunes are refused with a sentence. */
export const MAX_SHARED_STEPS = 64 * 24;
const VERSION = 'v1';

/** The tune as the text after `#tune=`. */
export function encodeShare(tune: SharedTune): string {
	if (tune.symbols.length > MAX_SHARED_STEPS)
		throw new Error(
			`This tune is ${tune.symbols.length} steps long; a link carries at most ${MAX_SHARED_STEPS}. Share it as a file instead.`
		);
	return (
		[
			VERSION,
			tune.meter,
			String(tune.barPhase),
			String(tune.tonic),
			tune.mode ?? '',
			String(Math.round(tune.bpm)),
			cleanName(tune.name),
			tune.symbols.join('-')
		]
			// `.` separates the parts, so inside one it is escaped too.
			.map((part) => encodeURIComponent(part).replaceAll('.', '%2E'))
			.join('.')
	);
}

/** Reads the text after `#tune=`; throws a sentence saying what is wrong with the link. */
export function decodeShare(text: string): SharedTune {
	const bad = (why: string) => new Error(`This link does not hold a tune: ${why}`);
	let parts: string[];
	try {
		parts = text.split('.').map(decodeURIComponent);
	} catch {
		throw bad('it is cut or garbled.');
	}
	if (parts[0] !== VERSION) throw bad('it was made by another version of the studio, or it is garbled.');
	if (parts.length !== 8) throw bad('it is cut or garbled.');
	const [, meter, phaseText, tonicText, modeText, bpmText, name, notes] = parts;
	const parsedMeter = parseMeter(meter);
	if (!parsedMeter) throw bad(`its meter “${meter}” is not one the studio writes.`);
	const barPhase = Number(phaseText);
	if (!Number.isInteger(barPhase) || barPhase < 0 || barPhase >= parsedMeter.stepsPerBar)
		throw bad('its upbeat does not fit its meter.');
	const tonic = Number(tonicText);
	if (!Number.isInteger(tonic) || tonic < 0 || tonic > 11) throw bad('its key is not one of the twelve.');
	if (modeText !== '' && !MODES.includes(modeText as Mode)) throw bad(`“${modeText}” is not a mode.`);
	const bpm = Number(bpmText);
	if (!Number.isFinite(bpm) || bpm < 20 || bpm > 400) throw bad('its tempo is out of range.');
	const symbols = notes.split('-');
	if (symbols.length > MAX_SHARED_STEPS)
		throw bad(`it is longer than the ${MAX_SHARED_STEPS} steps a link carries.`);
	if (!symbols.some(isPitchSymbol)) throw bad('it has no notes.');
	if (symbols[0] === HOLD) throw bad('it begins by holding a note that never started.');
	for (const s of symbols)
		if (!((isPitchSymbol(s) && Number(s) <= 127) || s === HOLD || s === REST))
			throw bad(`“${s}” is not a note, a hold or a rest.`);
	return {
		symbols,
		meter,
		barPhase,
		tonic,
		mode: (modeText || null) as Mode | null,
		bpm,
		name: cleanName(name)
	};
}

/**
 * The bug class a listener hears first: a tune that sits on one pitch. Sampling can draw one from any
 * model (the bundled models did in 4–8 % of whole tunes at the defaults, docs/model-card.md section E), so
 * `writeMelody` draws such a tune again. The rules are the ones the bundled-model tests apply.
 */
import { isPitchSymbol } from '../music/pitch';
import { HOLD } from '../music/symbols';

/** How many times a whole tune is drawn at most before the least stuck one is kept. */
export const MAX_REDRAWS = 4;

/** What is wrong with a tune of `stepsPerBar` steps a bar, in words; empty when nothing is. */
export function melodyFaults(symbols: readonly string[], stepsPerBar: number): string[] {
	// Notes as pitch, start and length (holds extend a note; rests end it and are not notes).
	const notes: { pitch: string; start: number; length: number }[] = [];
	let sounding = false;
	symbols.forEach((s, i) => {
		if (isPitchSymbol(s)) {
			notes.push({ pitch: s, start: i, length: 1 });
			sounding = true;
		} else if (s === HOLD && sounding) notes[notes.length - 1].length++;
		else if (s !== HOLD) sounding = false;
	});
	if (notes.length === 0) return ['no notes'];
	const out: string[] = [];
	const byPitch = new Map<string, number>();
	for (const n of notes) byPitch.set(n.pitch, (byPitch.get(n.pitch) ?? 0) + n.length);
	if (byPitch.size < 4) out.push(`only ${byPitch.size} pitches`);
	const total = notes.reduce((s, n) => s + n.length, 0);
	if (Math.max(...byPitch.values()) > total / 2) out.push('one pitch sounds more than half the time');
	// The longest stretch on one pitch: repeated notes and holds, rests between them included.
	let longest = 0;
	for (let i = 0, j = 0; i < notes.length; i = j) {
		while (j < notes.length && notes[j].pitch === notes[i].pitch) j++;
		longest = Math.max(longest, notes[j - 1].start + notes[j - 1].length - notes[i].start);
	}
	if (longest > 2 * stepsPerBar) out.push(`${longest} steps on one pitch`);
	return out;
}

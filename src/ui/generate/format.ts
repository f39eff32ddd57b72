/** Words for durations and notes, shared by the roll and the keyboard. */
import { pitchName } from '$lib/music/pitch';
import type { Key } from '$lib/music/key';
import { spellIn } from '$lib/formats/measures';

const NAMES: Record<number, string> = {
	1: 'sixteenth',
	2: 'eighth',
	3: 'dotted eighth',
	4: 'quarter',
	6: 'dotted quarter',
	8: 'half',
	12: 'dotted half',
	16: 'whole'
};

/** `4` → `quarter`, `5` → `5 sixteenths`. */
export function durationName(steps: number): string {
	return NAMES[steps] ?? `${steps} sixteenths`;
}

/**
 * A pitch named as the score spells it in `key` (`B♭4` in B♭ major, `A♯4` in B major; the spelling of
 * every notation export, formats/measures.ts); sharps where no key is given.
 */
export function pitchNameIn(midi: number, key?: Pick<Key, 'fifths' | 'mode'>): string {
	if (!key) return pitchName(midi).replace('#', '♯');
	const { step, alter, octave } = spellIn(midi, key);
	return `${step}${alter > 0 ? '♯' : alter < 0 ? '♭' : ''}${octave}`;
}

/** `B♭4, dotted quarter` or `rest, eighth`. */
export function noteLabel(pitch: number | null, steps: number, key?: Pick<Key, 'fifths' | 'mode'>): string {
	return `${pitch === null ? 'rest' : pitchNameIn(pitch, key)}, ${durationName(steps)}`;
}

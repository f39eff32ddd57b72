/** Words for durations and notes, shared by the roll and the keyboard. */
import { pitchName } from '$lib/music/pitch';

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

/** `G4 (67), quarter` or `rest, eighth`. */
export function noteLabel(pitch: number | null, steps: number): string {
	return `${pitch === null ? 'rest' : `${pitchName(pitch)} (${pitch})`}, ${durationName(steps)}`;
}

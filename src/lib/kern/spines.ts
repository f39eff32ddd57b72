/**
 * Humdrum's spines as the reader follows them: which spine carries the melody, how a line of spine
 * manipulators (`*^ *v *- *+ *x`, a new `**type`) rearranges them, and a barline some spines lack.
 */

/** One spine column of a Humdrum file. */
export interface Spine {
	/** `**kern`, `**text`…; null for a spine added with `*+` until its exclusive interpretation comes. */
	type: string | null;
	/** Spine number from the header (1-based, left to right); split spines keep their parent's. */
	track: number;
	/** First layer of its track: the left child of a split. */
	primary: boolean;
}

/** A line where some spines have a barline and others do not: the first barline and where; null otherwise. */
export function barlineMismatch(tokens: string[]): { token: string; spines: string } | null {
	if (tokens.length < 2) return null;
	const at: number[] = [];
	for (let i = 0; i < tokens.length; i++) if (tokens[i].charCodeAt(0) === 61 /* = */) at.push(i + 1);
	if (at.length === 0 || at.length === tokens.length) return null;
	const spines = at.length === 1 ? `spine ${at[0]}` : `spines ${at.slice(0, -1).join(', ')} and ${at.at(-1)}`;
	return { token: tokens[at[0] - 1], spines };
}

/** Index of the spine that carries the melody: the primary layer of the melody track. */
export function findMelody(spines: Spine[], track: number): number {
	let fallback = -1;
	for (let i = 0; i < spines.length; i++) {
		const s = spines[i];
		if (s.track !== track || s.type !== '**kern') continue;
		if (s.primary) return i;
		if (fallback < 0) fallback = i;
	}
	if (fallback >= 0) spines[fallback].primary = true; // the first layer ended; the next one leads
	return fallback;
}

/** Applies one interpretation line's spine manipulators; a string is an error. */
export function manipulate(spines: Spine[], tokens: string[], newTrack: () => number): Spine[] | string {
	let changed = false;
	for (const t of tokens)
		if (t === '*^' || t === '*v' || t === '*-' || t === '*+' || t === '*x' || t.startsWith('**'))
			changed = true;
	if (!changed) return spines;
	const out: Spine[] = [];
	let i = 0;
	while (i < tokens.length) {
		const t = tokens[i];
		const s = spines[i];
		if (t === '*^') {
			out.push({ ...s }, { ...s, primary: false });
			i++;
		} else if (t === '*v') {
			let j = i;
			let primary = false;
			while (j < tokens.length && tokens[j] === '*v') {
				primary ||= spines[j].primary;
				j++;
			}
			out.push({ ...s, primary: primary || s.primary });
			i = j;
		} else if (t === '*-') {
			i++;
		} else if (t === '*+') {
			out.push({ ...s }, { type: null, track: -1, primary: true });
			i++;
		} else if (t === '*x') {
			const j = tokens.indexOf('*x', i + 1);
			if (j < 0) return 'a spine exchange (*x) has no partner';
			// Exchange the two, keep what lies between in place.
			const between = spines.slice(i + 1, j).map((x) => ({ ...x }));
			out.push({ ...spines[j] });
			for (let k = i + 1; k < j; k++) {
				const tk = tokens[k];
				if (tk === '*-') continue;
				out.push(between[k - i - 1]);
			}
			out.push({ ...s });
			i = j + 1;
		} else if (t.startsWith('**')) {
			out.push({ type: t, track: s.type === null ? newTrack() : s.track, primary: true });
			i++;
		} else {
			out.push(s);
			i++;
		}
	}
	return out;
}

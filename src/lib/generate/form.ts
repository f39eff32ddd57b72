/**
 * The form of a tune: phrases named by letters (`AABA`, `AA′BA′`), each `phraseBars` bars long. A letter
 * that comes again repeats its phrase exactly; a primed one (`A′`) repeats it with its ending written
 * anew. Phrase ends fall on stable degrees (cadences). This file plans the steps (which are drawn, which
 * copied, where each cadence is and what it must land on); `writeMelody` (generate.ts) walks the plan.
 *
 * Phrases are counted from the tune's first step, so with an upbeat every phrase starts on the same beat
 * as the tune does (its own upbeat) and the last one ends where the pickup's bar is completed.
 */
import { estimateMode } from '../encoding/key';
import { isPitchSymbol } from '../music/pitch';
import { modeFamily, type Mode } from '../music/key';
import type { SongTemplate } from '../model/format';

/** Through-composed: no planned repeats, the tune as the model writes it (the sampler before forms). */
export const THROUGH = 'through';
/** As the songs go: each tune follows the form of a training song of its meter and length (templates.ts). */
export const SONGS = 'songs';
/** The forms offered in the app and by `cli generate --form` (any letters A–H with primes are read too). */
export const FORMS = [SONGS, THROUGH, 'AABB', 'ABAB', 'AABA', 'ABAC', 'AA′BA′'] as const;
/** Phrase lengths offered, in bars. */
export const PHRASE_BARS = [2, 4] as const;
/** The most phrases a form may have. */
export const MAX_PHRASES = 16;

/**
 * What a phrase's last note must be, as scale degrees of the tune's key (C major or A minor). `final` is
 * the tune's last note: a stable degree, the tonic weighted (FINAL_TONIC_WEIGHT in generate.ts), as real
 * songs end on 1, 3 or 5.
 */
export type Cadence = 'tonic' | 'stable' | 'half' | 'final';

/** Pitch classes of each cadence in C major and in A minor (degrees 1; 1, 3, 5; 2, 5). */
const CADENCE_PCS: Record<Cadence, Record<'major' | 'minor', readonly number[]>> = {
	tonic: { major: [0], minor: [9] },
	stable: { major: [0, 4, 7], minor: [9, 0, 4] },
	half: { major: [2, 7], minor: [11, 4] },
	final: { major: [0, 4, 7], minor: [9, 0, 4] }
};

/** One phrase as a letter and its primes (`A′` → A, 1). */
export interface FormLetter {
	letter: string;
	prime: number;
}

/**
 * Reads a form (`AABA`, `AA'BA'`, `aa′ba′`); null when it is not one. `through` (or an empty text) is the
 * through-composed tune: an empty list.
 */
export function parseForm(text: string): FormLetter[] | null {
	const t = text.trim();
	if (t === '' || t.toLowerCase() === THROUGH) return [];
	const out: FormLetter[] = [];
	for (const m of t.toUpperCase().matchAll(/([A-H])(['′’″]*)|(\s+)|(.)/gu)) {
		if (m[3]) continue;
		if (m[4] !== undefined) return null;
		const primes = [...m[2]].reduce((n, c) => n + (c === '″' ? 2 : 1), 0);
		out.push({ letter: m[1], prime: primes });
	}
	return out.length > 0 && out.length <= MAX_PHRASES ? out : null;
}

/** A phrase's label as a musician writes it: `A`, `A′`, `A″`. */
export function phraseLabel(p: FormLetter): string {
	return p.letter + (p.prime === 2 ? '″' : '′'.repeat(p.prime));
}

/** A form in its usual spelling (`AA′BA′`; `through` for through-composed). */
export function formName(letters: readonly FormLetter[]): string {
	return letters.length === 0 ? THROUGH : letters.map(phraseLabel).join('');
}

/** A phrase of a melody, as the piano roll, the score and a kept melody show it. */
export interface MelodyPhrase {
	/** `A`, `A′`, `B`. */
	label: string;
	/** Its steps in the melody: [start, end). */
	start: number;
	end: number;
}

/** The form a melody was written in, carried with it. */
export interface MelodyForm {
	/** `AABA`, `AA′BA′`. */
	name: string;
	phraseBars: number;
	phrases: MelodyPhrase[];
	/** For a tune written as the songs go: the song's form it followed (to write a phrase again in it). */
	template?: SongTemplate;
}

/** A planned phrase: where it is, what it copies, where it is drawn and what its last note must be. */
export interface PlannedPhrase extends MelodyPhrase, FormLetter {
	/** `source`: the letter's first phrase, drawn; `repeat`: copied whole; `variant`: copied, ending drawn. */
	role: 'source' | 'repeat' | 'variant';
	/** Index of the phrase it copies (its own for a source). */
	source: number;
	/** First step drawn (start for a source, the varied ending's first step for a variant, end for a repeat). */
	drawFrom: number;
	/** First step of the cadence: the last barline before the phrase ends (a bar more if that is short). */
	cadenceFrom: number;
	/** What the last note must be; null for an exact repeat (it is what its source is). */
	cadence: Cadence | null;
	/** In a song's form: whether the song's phrase ended on degree 1, 3 or 5 (absent: not known). */
	lands?: boolean;
}

export interface FormPlan {
	name: string;
	phraseBars: number;
	stepsPerBar: number;
	phase: number;
	/** Steps in the whole tune. */
	total: number;
	phrases: PlannedPhrase[];
	/** For a song's template (templates.ts): where each step comes from (as `copySources`); phrases of
	 * different lengths, none redrawn for being like another. */
	copy?: Int32Array;
}

/** Bars a form of `phrases` phrases of `phraseBars` bars spans (an upbeat and the short last bar as one). */
export function formBars(phrases: number, phraseBars: number): number {
	return phrases * phraseBars;
}

/**
 * The plan of a tune in `letters`, `phraseBars` bars a phrase, starting `phase` steps into a bar, `bars`
 * bars long (default: the form's own length). A longer tune goes on after the form in phrases of new
 * letters (drawn, as through-composed); a shorter one stops inside it.
 *
 * Cadences: the last phrase ends as a tune does (`final`: 1, 3 or 5, the tonic weighted). A letter's
 * first phrase ends so too when an exact repeat of it ends the tune, otherwise on a stable degree (1, 3,
 * 5). A primed phrase's first varied ending is a half cadence (degree 2 or 5), a later one inside the
 * tune the tonic. A variant redraws its last bar (two bars of a phrase of four or more); a repeat cut short
 * by the tune's end is a variant ending as a tune does.
 */
export function planForm(
	letters: readonly FormLetter[],
	phraseBars: number,
	stepsPerBar: number,
	phase = 0,
	bars = formBars(letters.length, phraseBars)
): FormPlan {
	const length = phraseBars * stepsPerBar;
	const p = ((phase % stepsPerBar) + stepsPerBar) % stepsPerBar;
	const total = bars * stepsPerBar;
	const varyBars = phraseBars >= 4 ? 2 : 1;
	// Phrases after the form take letters after the last one it uses.
	let next = Math.max(64, ...letters.map((l) => l.letter.charCodeAt(0))) + 1;
	const all: FormLetter[] = [];
	for (let start = 0; start < total; start += length)
		all.push(letters[all.length] ?? { letter: String.fromCharCode(next++), prime: 0 });
	const firstOf = new Map<string, number>();
	const variantsSeen = new Map<string, number>();
	const phrases: PlannedPhrase[] = all.map((l, i) => {
		const start = i * length;
		const end = Math.min(total, start + length);
		// The last barline before the end: the end itself is one only without an upbeat.
		let cadenceFrom = end - (p > 0 ? p : stepsPerBar);
		// An eighth's worth of cadence is too short to land anywhere: take the bar before too.
		if (end - cadenceFrom < stepsPerBar / 2) cadenceFrom -= stepsPerBar;
		cadenceFrom = Math.max(start, cadenceFrom);
		const first = firstOf.get(l.letter);
		const last = i === all.length - 1;
		const base = { label: phraseLabel(l), start, end, letter: l.letter, prime: l.prime, cadenceFrom };
		if (first === undefined) {
			firstOf.set(l.letter, i);
			return { ...base, role: 'source', source: i, drawFrom: start, cadence: last ? 'final' : 'stable' };
		}
		const cut = end - start < length;
		if (l.prime === all[first].prime && !cut)
			return { ...base, role: 'repeat', source: first, drawFrom: end, cadence: null };
		const key = phraseLabel(l);
		const seen = variantsSeen.get(key) ?? 0;
		variantsSeen.set(key, seen + 1);
		const drawFrom = cut ? cadenceFrom : Math.max(start + 1, cadenceFrom - (varyBars - 1) * stepsPerBar);
		return {
			...base,
			role: 'variant',
			source: first,
			drawFrom,
			cadence: last ? 'final' : seen > 0 ? 'tonic' : 'half'
		};
	});
	// A source whose exact repeat ends the tune ends on the tonic, so that the tune does.
	const final = phrases[phrases.length - 1];
	if (final && final.role === 'repeat') phrases[final.source].cadence = 'final';
	return { name: formName(letters), phraseBars, stepsPerBar, phase: p, total, phrases };
}

/** The melody's form as it is carried with the melody. */
export function melodyForm(plan: FormPlan): MelodyForm {
	return {
		name: plan.name,
		phraseBars: plan.phraseBars,
		phrases: plan.phrases.map(({ label, start, end }) => ({ label, start, end }))
	};
}

/**
 * Where each step of a tune comes from: a copied step names the step it copies (always earlier), a
 * drawn step -1. Steps below `fixed` (the seed) are neither; they are read as given.
 */
export function copySources(plan: FormPlan): Int32Array {
	if (plan.copy) return plan.copy;
	const out = new Int32Array(plan.total).fill(-1);
	for (const ph of plan.phrases) {
		if (ph.role === 'source') continue;
		const from = plan.phrases[ph.source].start;
		for (let t = ph.start; t < ph.drawFrom; t++) out[t] = from + (t - ph.start);
	}
	return out;
}

/**
 * The plan of a tune that follows a song's template (templates.ts), `bars` long, starting `phase` steps
 * into its bar: its full bars are copied as the song's are (a copy whose source lies past the tune's end is
 * drawn), its phrases end where the song's end, each on a cadence the model chooses (stable degrees are
 * not forced: real phrase ends are not all stable), the last as a tune ends. A template shorter than the
 * tune is taken again from its start, as a song's second verse takes its first's shape: its repeats and
 * phrase ends come again, the bars it has new are drawn new (went on in two-bar phrases without copies,
 * tunes longer than every song of their meter repeated a quarter fewer bars than the songs: German folk
 * song archive, docs/model-card.md, H); a longer one is cut. Phrases are lettered by their
 * material: a phrase whose steps all copy an earlier phrase's takes its letter, one whose first half does
 * takes it primed, any other a new letter.
 */
export function planTemplate(
	template: SongTemplate,
	stepsPerBar: number,
	phase: number,
	bars: number
): FormPlan {
	const spb = stepsPerBar;
	const p = ((phase % spb) + spb) % spb;
	const total = bars * spb;
	const first = (spb - p) % spb;
	const full = Math.floor((total - first) / spb);
	const copy = new Int32Array(total).fill(-1);
	// The template's bars again and again: bar i is bar i mod L of a pass of the template.
	const L = Math.max(1, template.bars);
	for (let i = 0; i < full; i++) {
		const at = i % L;
		const j = template.copies[at] ?? -1;
		if (j >= 0 && j < at)
			for (let o = 0; o < spb; o++) copy[first + i * spb + o] = first + (i - at + j) * spb + o;
	}
	const passEnds: number[] = [];
	for (let pass = 0; pass * L < bars; pass++)
		for (const e of template.ends) if (pass * L + e < bars) passEnds.push(pass * L + e);
	let ends = [...new Set(passEnds)].sort((a, b) => a - b);
	ends = [...ends, bars];
	// The tune's last bar is its ending: copied only where its source ends a phrase (that phrase then
	// ends as the tune does), else drawn.
	let finalSource: number | null = null;
	if (p === 0 && full > 0 && copy[total - 1] >= 0) {
		const srcEnd = copy[total - 1] + 1;
		if (ends.some((e) => e * spb === srcEnd)) finalSource = srcEnd;
		else copy.fill(-1, total - spb);
	}
	const root = new Int32Array(total);
	for (let t = 0; t < total; t++) root[t] = copy[t] >= 0 ? root[copy[t]] : t;
	const phrases: PlannedPhrase[] = [];
	const lettered: { letter: string; start: number; end: number }[] = [];
	let nextLetter = 65;
	let start = 0;
	for (const e of ends) {
		const end = e * spb;
		if (end <= start) continue;
		const len = end - start;
		let letter: string | null = null;
		let prime = 0;
		for (const o of lettered) {
			if (o.end - o.start !== len) continue;
			let same = 0;
			while (same < len && root[start + same] === root[o.start + same]) same++;
			if (same === len) {
				letter = o.letter;
				prime = 0;
				break;
			}
			if (same >= len / 2 && letter === null) {
				letter = o.letter;
				prime = 1;
			}
		}
		if (letter === null) letter = String.fromCharCode(Math.min(90, nextLetter++));
		if (prime === 0 && !lettered.some((o) => o.letter === letter)) lettered.push({ letter, start, end });
		let cadenceFrom = end - (p > 0 ? p : spb);
		if (end - cadenceFrom < spb / 2) cadenceFrom -= spb;
		cadenceFrom = Math.max(start, cadenceFrom);
		let drawn = false;
		for (let t = start; t < end && !drawn; t++) if (copy[t] < 0) drawn = true;
		const last = end === total;
		const l = { letter, prime };
		// Where the phrase ends in its pass of the template.
		const k = template.ends.indexOf(e - Math.floor((e - 1) / L) * L);
		const lands = template.unstable && k >= 0 ? { lands: !template.unstable.includes(k) } : {};
		phrases.push({
			label: phraseLabel(l),
			start,
			end,
			...l,
			role: drawn ? 'source' : 'repeat',
			source: phrases.length,
			drawFrom: start,
			cadenceFrom,
			cadence: drawn ? (last || end === finalSource ? 'final' : 'stable') : null,
			...lands
		});
		start = end;
	}
	return { name: SONGS, phraseBars: 0, stepsPerBar: spb, phase: p, total, phrases, copy };
}

/** The last pitch struck in `symbols` before step `end`, or null. */
export function lastPitch(symbols: readonly string[], end = symbols.length): number | null {
	for (let t = Math.min(end, symbols.length) - 1; t >= 0; t--)
		if (isPitchSymbol(symbols[t])) return Number(symbols[t]);
	return null;
}

/**
 * The pitch classes a cadence may land on: in the tune's mode when one was asked for (its family's home,
 * C major or A minor), else in the key the melody so far reads in.
 */
export function cadencePitchClasses(
	cadence: Cadence,
	symbols: readonly string[],
	mode?: Mode | null
): readonly number[] {
	return CADENCE_PCS[cadence][mode ? modeFamily(mode) : estimateMode(symbols)];
}

/** True when the last pitch before `end` is one the cadence may land on. */
export function landsOn(
	cadence: Cadence,
	symbols: readonly string[],
	end = symbols.length,
	mode?: Mode | null
): boolean {
	const pitch = lastPitch(symbols, end);
	return pitch !== null && cadencePitchClasses(cadence, symbols.slice(0, end), mode).includes(pitch % 12);
}

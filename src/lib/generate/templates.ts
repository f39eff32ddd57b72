/**
 * Forms as the songs have them: for each training song in a meter with regular barlines, a compact
 * template of its shape — its length in bars, where it starts in its bar (its upbeat), which bars repeat
 * an earlier bar exactly (a bar-copy map), where its phrases end, which of them end off degrees 1, 3 and
 * 5, and its first note. A tune written "as the songs go" (form `songs`, form.ts) draws one template of
 * its meter and nearest length and follows it: copied bars are copied through the model, phrase ends get
 * cadences that land on or off 1, 3, 5 as the song's did, the last the tune's ending, and a tune without
 * a seed opens on the song's first note. Real songs do not
 * all have one form, so a single planned form (ABAC) repeats in the same places every time, which a
 * classifier hears (docs/model-card.md, "Forms as the songs go").
 *
 * Bars are counted from the tune's first step in whole bars' worth of steps (`bars`, as `planTune`
 * counts: a pickup and the short last bar it leaves are one); the copy map is over full bars between
 * barlines (the first full bar is index 0), as `song-measures.ts` counts repeats.
 */
import { parseMeter, formatMeter } from '../music/meter';
import { deriveSeed, mulberry32, pickWeighted, type Random } from './random';
import type { SongForms, SongTemplate } from '../model/format';
import { landsOn } from './form';
import { isPitchSymbol } from '../music/pitch';
import { estimateMode } from '../encoding/key';

export type { SongForms, SongTemplate };

/** What a template is read from: a song's symbols and where its barlines fall. */
export interface TemplateSong {
	symbols: readonly string[];
	meter?: string;
	barPhase?: number;
	bars?: readonly number[];
	meterChanges?: readonly { at: number; meter: string }[];
	/** The style the song teaches, for a model trained with styles. */
	style?: string;
}

/** Salt of the random stream a tune's template and upbeat are drawn from (never the notes' stream). */
const TEMPLATE_STREAM = 0x5f0e;

/**
 * Where a kern file's phrases end (`}`), as the number of barlines after the song's first note before each
 * end, for `songTemplate`; empty where the file marks none. Essen songs are one spine; in a file of
 * several, the first spine's marks are read.
 */
export function kernPhraseBarlines(text: string): number[] {
	const out: number[] = [];
	let started = false;
	let barlines = 0;
	for (const raw of text.split(/\r?\n/)) {
		const line = raw.split('\t')[0] ?? '';
		if (line === '' || line.startsWith('!') || line.startsWith('*')) continue;
		if (line.startsWith('=')) {
			if (started) barlines++;
			continue;
		}
		if (line === '.') continue;
		started = true;
		if (line.includes('}')) out.push(barlines);
	}
	return out;
}

/**
 * The template of one song, or null when it has no numeric meter, changes meter, has irregular barlines
 * or is shorter than two bars. `phraseBarlines`: `kernPhraseBarlines` of its file, if known; without,
 * phrases of two bars are assumed (the commonest in Essen songs).
 */
export function songTemplate(
	song: TemplateSong,
	phraseBarlines: readonly number[] = []
): SongTemplate | null {
	const meter = parseMeter(song.meter ?? '');
	if (!meter || song.barPhase === undefined || song.meterChanges?.length) return null;
	const spb = meter.stepsPerBar;
	const phase = song.barPhase % spb;
	const steps = song.symbols.length;
	const first = (spb - phase) % spb;
	// Regular barlines only: every barline the song has where the meter puts it.
	if ((song.bars ?? []).some((b) => (b - first) % spb !== 0)) return null;
	const bars = Math.round(steps / spb);
	if (bars < 2 || Math.abs(steps - bars * spb) > 0) return null;
	const full = Math.floor((steps - first) / spb);
	const key = (i: number) => song.symbols.slice(first + i * spb, first + (i + 1) * spb).join(' ');
	const seen = new Map<string, number>();
	const copies: number[] = [];
	for (let i = 0; i < full; i++) {
		const k = key(i);
		copies.push(seen.get(k) ?? -1);
		if (!seen.has(k)) seen.set(k, i);
	}
	// A phrase ending in the bar after the k-th barline since the first note ends k bars in with an upbeat
	// (the next phrase's pickup fills the bar), k + 1 bars in from the downbeat.
	let ends = phraseBarlines.map((k) => k + (phase === 0 ? 1 : 0));
	if (ends.length === 0)
		ends = Array.from({ length: Math.ceil(bars / 2) }, (_, i) => Math.min(bars, 2 * i + 2));
	ends = [...new Set(ends.filter((e) => e >= 1 && e < bars))].sort((a, b) => a - b);
	// The phrases that end off 1, 3 and 5, judged as the sampler judges its cadences.
	const unstable = ends.flatMap((e, k) => (landsOn('stable', song.symbols, e * spb) ? [] : [k]));
	ends.push(bars);
	// A song that ends off 1, 3 and 5 (a modal ending, heard against major or minor) says so too.
	if (!landsOn('stable', song.symbols, steps)) unstable.push(ends.length - 1);
	const firstNote = song.symbols.find(isPitchSymbol);
	const opening = firstNote === undefined ? {} : { opening: Number(firstNote) };
	const style = song.style === undefined ? {} : { style: song.style };
	return {
		bars,
		phase,
		copies,
		ends,
		unstable,
		...opening,
		mode: estimateMode(song.symbols),
		...style,
		n: 1
	};
}

/** The templates of `songs` by meter, identical ones counted once with their number. */
export function collectSongForms(
	songs: readonly { song: TemplateSong; phraseBarlines?: readonly number[] }[]
): SongForms {
	const out: SongForms = {};
	const index = new Map<string, SongTemplate>();
	for (const { song, phraseBarlines } of songs) {
		const t = songTemplate(song, phraseBarlines);
		const meter = parseMeter(song.meter ?? '');
		if (!t || !meter) continue;
		const name = formatMeter(meter);
		const key = `${name}|${t.bars}|${t.phase}|${t.copies.join(',')}|${t.ends.join(',')}|${t.unstable?.join(',')}|${t.opening}|${t.mode}|${t.style}`;
		const same = index.get(key);
		if (same) {
			same.n++;
			continue;
		}
		index.set(key, t);
		(out[name] ??= []).push(t);
	}
	for (const list of Object.values(out)) list.sort((a, b) => a.bars - b.bars || b.n - a.n);
	return out;
}

/** Draws one of `list` in proportion to its songs. */
function drawWeighted(list: readonly SongTemplate[], random: Random): SongTemplate {
	return list[
		pickWeighted(
			list.map((t) => t.n),
			random
		)
	];
}

/** The random stream a tune's template and upbeat are drawn from, given the tune's random seed. */
export function templateRandom(randomSeed: number): Random {
	return mulberry32(deriveSeed(randomSeed, TEMPLATE_STREAM));
}

/**
 * A template of `meter` whose length is nearest `bars` (ties and equals: in proportion to their songs),
 * among the songs of `style` where there are any, or null when the meter has none.
 */
export function drawTemplate(
	forms: SongForms | undefined,
	meter: string,
	bars: number,
	random: Random,
	style?: string | null
): SongTemplate | null {
	const all = forms?.[meter];
	if (!all?.length) return null;
	// In a chosen style, the forms of that style's songs where the model keeps any.
	const ofStyle = style == null ? [] : all.filter((t) => t.style === style);
	const list = ofStyle.length ? ofStyle : all;
	const best = Math.min(...list.map((t) => Math.abs(t.bars - bars)));
	return drawWeighted(
		list.filter((t) => Math.abs(t.bars - bars) === best),
		random
	);
}

/** An upbeat drawn as the training songs of `meter` start (their phases, each song once); 0 without. */
export function drawPhase(forms: SongForms | undefined, meter: string, random: Random): number {
	const list = forms?.[meter];
	return list?.length ? drawWeighted(list, random).phase : 0;
}

/**
 * The shape a tune took from its song, in a musician's words, e.g. "Shaped as one of the model's songs:
 * 12 bars with an upbeat, 4 phrases, in minor — German children's songs." `styleName`: the page's name
 * for the song's style, if it has one.
 */
export function describeTemplate(t: SongTemplate, styleName?: string): string {
	const parts = [
		`${t.bars} bars${t.phase > 0 ? ' with an upbeat' : ''}`,
		`${t.ends.length} phrase${t.ends.length === 1 ? '' : 's'}`,
		...(t.mode ? [`in ${t.mode}`] : [])
	];
	return `Shaped as one of the model’s songs: ${parts.join(', ')}${styleName ? ` — ${styleName}` : ''}.`;
}

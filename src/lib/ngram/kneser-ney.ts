/**
 * An interpolated modified Kneser-Ney n-gram over symbol ids (Chen & Goodman 1998, with three discounts
 * per order estimated from counts of counts, and KenLM's rule that n-grams starting at a song start keep
 * their raw counts). It is the baseline every LSTM here must beat: small, deterministic, trained in
 * seconds. Each song is read as `/ s1 … sn /`: the leading `/` is context only, the final one is predicted.
 */
import type { StepModel } from '../model/types';
import { SONG_END } from '../music/symbols';
import { buildVocabulary } from '../music/vocabulary';

/** Statistics of one context: next symbols with their (adjusted) counts, and the discount mass. */
interface ContextStats {
	next: Int32Array;
	counts: Float64Array;
	total: number;
	/** Interpolation weight given to the lower order: (D1·N1 + D2·N2 + D3·N3+) / total. */
	backoff: number;
}

/** Options of the n-gram. */
export interface NgramOptions {
	/** Longest n-gram (context of order - 1 symbols); default 8. */
	order?: number;
	/** Vocabulary to use; default every symbol of the songs, `_` and `r` included (music/vocabulary.ts). Symbols outside it are skipped in training. */
	vocabulary?: readonly string[];
}

/** Recent context, most recent last; at most order - 1 ids. */
export type NgramState = readonly number[];

/**
 * The trained n-gram as a `StepModel`: the state is the recent context, reset to `[/]` whenever `/` is
 * fed, since training never saw a context spanning two songs.
 */
export class KneserNeyModel implements StepModel<NgramState> {
	readonly vocabulary: readonly string[];
	readonly order: number;
	/** Per order n (index n, 1..order): discounts D1, D2, D3+. */
	readonly discounts: [number, number, number][];
	/** Per order n: context key (ids as chars) -> statistics. */
	private readonly contexts: Map<string, ContextStats>[];
	private readonly slash: number;

	private constructor(
		vocabulary: readonly string[],
		order: number,
		contexts: Map<string, ContextStats>[],
		discounts: [number, number, number][]
	) {
		this.vocabulary = vocabulary;
		this.order = order;
		this.contexts = contexts;
		this.discounts = discounts;
		this.slash = vocabulary.indexOf(SONG_END);
	}

	/** Counts every n-gram of the songs (each read as `/ song /`) and estimates the discounts. */
	static train(songs: readonly (readonly string[])[], options: NgramOptions = {}): KneserNeyModel {
		const order = options.order ?? 8;
		if (!Number.isInteger(order) || order < 1 || order > 32)
			throw new RangeError('The n-gram order must be a whole number from 1 to 32.');
		const vocabulary = options.vocabulary ?? buildVocabulary(songs, { allSpecials: true });
		const index = new Map(vocabulary.map((s, i) => [s, i]));
		const slash = index.get(SONG_END);
		if (slash === undefined) throw new Error('The n-gram vocabulary needs "/".');

		// Raw counts of every n-gram (length 1..order) ending at a predicted position (not the leading /).
		const raw: Map<string, number>[] = Array.from({ length: order + 1 }, () => new Map());
		for (const song of songs) {
			const ids = [slash];
			for (const s of song) {
				const id = index.get(s);
				// Only happens with a given vocabulary that lacks the symbol: leave it out.
				if (id === undefined) continue;
				ids.push(id);
			}
			ids.push(slash);
			const key = String.fromCharCode(...ids.map((i) => i + 1));
			for (let i = 1; i < ids.length; i++) {
				for (let n = 1; n <= order && i - n + 1 >= 0; n++) {
					const g = key.substring(i - n + 1, i + 1);
					const m = raw[n];
					m.set(g, (m.get(g) ?? 0) + 1);
				}
			}
		}
		const slashChar = String.fromCharCode(slash + 1);

		// Adjusted counts: raw for the highest order and for n-grams at a song start; otherwise the
		// number of distinct symbols seen before the n-gram (continuation counts).
		const adjusted: Map<string, number>[] = Array.from({ length: order + 1 }, () => new Map());
		for (let n = 1; n <= order; n++) {
			const adj = adjusted[n];
			if (n === order) {
				for (const [g, c] of raw[n]) adj.set(g, c);
				continue;
			}
			for (const [g, c] of raw[n]) if (n >= 2 && g[0] === slashChar) adj.set(g, c);
			// Each distinct (n+1)-gram is one distinct left neighbour of its suffix. A suffix never starts
			// with the leading `/`: nothing precedes a song start.
			for (const g of raw[n + 1].keys()) {
				const suffix = g.substring(1);
				adj.set(suffix, (adj.get(suffix) ?? 0) + 1);
			}
		}

		const discounts: [number, number, number][] = [[0, 0, 0]];
		const contexts: Map<string, ContextStats>[] = [new Map()];
		for (let n = 1; n <= order; n++) {
			const nc = [0, 0, 0, 0, 0];
			for (const c of adjusted[n].values()) if (c <= 4) nc[c]++;
			const d = estimateDiscounts(nc);
			discounts.push(d);
			const grouped = new Map<string, { next: number[]; counts: number[] }>();
			for (const [g, c] of adjusted[n]) {
				const h = g.substring(0, n - 1);
				let e = grouped.get(h);
				if (!e) grouped.set(h, (e = { next: [], counts: [] }));
				e.next.push(g.charCodeAt(n - 1) - 1);
				e.counts.push(c);
			}
			const m = new Map<string, ContextStats>();
			for (const [h, e] of grouped) {
				let total = 0;
				let mass = 0;
				for (const c of e.counts) {
					total += c;
					mass += d[Math.min(c, 3) - 1];
				}
				m.set(h, {
					next: Int32Array.from(e.next),
					counts: Float64Array.from(e.counts),
					total,
					backoff: mass / total
				});
			}
			contexts.push(m);
		}
		return new KneserNeyModel(vocabulary, order, contexts, discounts);
	}

	/** Next-symbol distribution after a context (most recent id last). */
	distribution(context: readonly number[]): Float32Array {
		const v = this.vocabulary.length;
		let p = new Float64Array(v).fill(1 / v);
		const ctx = context.slice(Math.max(0, context.length - (this.order - 1)));
		const key = String.fromCharCode(...ctx.map((i) => i + 1));
		for (let n = 1; n <= this.order && n - 1 <= ctx.length; n++) {
			const stats = this.contexts[n].get(key.substring(key.length - (n - 1)));
			// A context never seen means no longer one was seen either.
			if (!stats) break;
			const d = this.discounts[n];
			const next = new Float64Array(v);
			for (let j = 0; j < v; j++) next[j] = stats.backoff * p[j];
			for (let k = 0; k < stats.next.length; k++) {
				const c = stats.counts[k];
				next[stats.next[k]] += Math.max(c - d[Math.min(c, 3) - 1], 0) / stats.total;
			}
			p = next;
		}
		return Float32Array.from(p);
	}

	initialState(): NgramState {
		return [];
	}

	step(state: NgramState, symbolId: number): { state: NgramState; probabilities: Float32Array } {
		const next =
			symbolId === this.slash ? [symbolId] : [...state, symbolId].slice(-Math.max(this.order - 1, 0));
		return { state: next, probabilities: this.distribution(next) };
	}
}

/** Modified Kneser-Ney discounts from the numbers of n-grams seen 1, 2, 3 and 4 times. */
export function estimateDiscounts(nc: readonly number[]): [number, number, number] {
	const [, n1, n2, n3, n4] = nc;
	if (n1 === 0 || n2 === 0 || n3 === 0 || n4 === 0) {
		// Too few counts to estimate (tiny corpora): the usual absolute discount.
		const d = n1 > 0 && n2 > 0 ? n1 / (n1 + 2 * n2) : 0.5;
		return [d, d, d];
	}
	const y = n1 / (n1 + 2 * n2);
	const clamp = (x: number, hi: number) => Math.min(Math.max(x, 0), hi);
	return [clamp(1 - 2 * y * (n2 / n1), 1), clamp(2 - 3 * y * (n3 / n2), 2), clamp(3 - 4 * y * (n4 / n3), 3)];
}

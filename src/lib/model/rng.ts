/**
 * A small seeded random generator (sfc32) whose whole state is four numbers, so a checkpoint can store
 * it and a resumed run draws exactly what an uninterrupted one would.
 */

/** The generator's state, stored in checkpoints. */
export type RngState = [number, number, number, number];

/** Seeded pseudo-random numbers; `state()` / `Rng.from()` save and restore it exactly. */
export class Rng {
	private a: number;
	private b: number;
	private c: number;
	private d: number;

	/** Seeds from any number or string (hashed), mixing it so nearby seeds give unrelated streams. */
	constructor(seed: number | string = 1) {
		let h = 1779033703 ^ String(seed).length;
		const s = String(seed);
		for (let i = 0; i < s.length; i++) {
			h = Math.imul(h ^ s.charCodeAt(i), 3432918353);
			h = (h << 13) | (h >>> 19);
		}
		const next = () => {
			h = Math.imul(h ^ (h >>> 16), 2246822507);
			h = Math.imul(h ^ (h >>> 13), 3266489909);
			return (h ^= h >>> 16) >>> 0;
		};
		this.a = next();
		this.b = next();
		this.c = next();
		this.d = next();
		for (let i = 0; i < 12; i++) this.uint32();
	}

	/** A generator continuing from a saved state. */
	static from(state: RngState): Rng {
		const r = new Rng(0);
		[r.a, r.b, r.c, r.d] = state;
		return r;
	}

	/** The state to store; `Rng.from(state)` continues the same stream. */
	state(): RngState {
		return [this.a, this.b, this.c, this.d];
	}

	/** A uniform 32-bit unsigned integer. */
	uint32(): number {
		this.a >>>= 0;
		this.b >>>= 0;
		this.c >>>= 0;
		this.d >>>= 0;
		let t = (this.a + this.b) | 0;
		this.a = this.b ^ (this.b >>> 9);
		this.b = (this.c + (this.c << 3)) | 0;
		this.c = (this.c << 21) | (this.c >>> 11);
		this.d = (this.d + 1) | 0;
		t = (t + this.d) | 0;
		this.c = (this.c + t) | 0;
		return t >>> 0;
	}

	/** Uniform in [0, 1). */
	next(): number {
		return this.uint32() / 4294967296;
	}

	/** Uniform integer in [0, n). */
	int(n: number): number {
		return Math.floor(this.next() * n);
	}

	/** Standard normal (Box–Muller; no cached spare, so the state is only the four words). */
	normal(): number {
		let u = 0;
		while (u === 0) u = this.next();
		return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
	}

	/** Shuffles in place (Fisher–Yates) and returns the array. */
	shuffle<T>(items: T[]): T[] {
		for (let i = items.length - 1; i > 0; i--) {
			const j = this.int(i + 1);
			[items[i], items[j]] = [items[j], items[i]];
		}
		return items;
	}
}

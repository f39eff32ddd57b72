/**
 * The score worker's messages. Engraving has its own small worker (Verovio is large and loads only when
 * a score is first shown), so it never waits on the studio worker's imports or generation.
 */
import type { Engraving, ScoreInput } from './engrave';

/** Sent by the page. */
export interface ScoreRequest {
	type: 'score/render';
	id: string;
	input: ScoreInput;
}

/** Sent by the worker. */
export type ScoreResponse =
	| ({
			type: 'score/rendered';
			id: string;
			/** Milliseconds spent in the worker, loading included. */ ms: number;
	  } & Engraving)
	/** A sentence for the user: what happened and what to do. */
	| { type: 'error'; id: string; message: string };

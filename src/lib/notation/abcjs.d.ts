/**
 * The part of abcjs the ABC reader uses: its parser alone (no engraving, no audio, no DOM), imported by
 * path so that the worker carries only the parser. The shapes are those abcjs 6 gives (`parseOnly`).
 */
declare module 'abcjs/src/parse/abc_parse.js' {
	/** A key as abcjs reads a `K:` field: the signature's accidentals, the tonic and the mode. */
	export interface AbcjsKey {
		accidentals?: { acc: string; note: string }[];
		root: string;
		acc: string;
		mode: string;
	}
	export interface AbcjsMeter {
		type: string;
		value?: { num: string; den?: string }[];
	}
	export interface AbcjsPitch {
		pitch: number;
		name?: string;
		accidental?: string;
		startTie?: object;
		endTie?: boolean;
	}
	/** One element of a voice: a note or rest, a bar line, or a change of key or meter. */
	export interface AbcjsElement {
		el_type: string;
		startChar?: number;
		endChar?: number;
		duration?: number;
		pitches?: AbcjsPitch[];
		rest?: { type: string };
		gracenotes?: unknown[];
		chord?: { name: string; position: string }[];
		decoration?: string[];
		startTriplet?: number;
		tripletMultiplier?: number;
		/** How many notes the tuplet spans. */
		tripletR?: number;
		endTriplet?: boolean;
		/** Bar lines. */
		type?: string;
		startEnding?: string;
		endEnding?: boolean;
		/** Key changes. */
		accidentals?: { acc: string; note: string }[];
		root?: string;
		acc?: string;
		mode?: string;
		/** Parts (`P:A` in the body). */
		title?: string;
		/** Meter changes. */
		value?: { num: string; den?: string }[];
	}
	export interface AbcjsStaff {
		key?: AbcjsKey;
		meter?: AbcjsMeter;
		voices?: AbcjsElement[][];
	}
	export interface AbcjsTune {
		lines: { staff?: AbcjsStaff[] }[];
		metaText: { title?: string; partOrder?: string };
	}
	/** abcjs's parser: `parse` one tune's text, then `getTune` and `getWarnings`. */
	export default class Parse {
		parse(text: string, switches?: object, startPos?: number): void;
		getTune(): AbcjsTune;
		getWarnings(): string[] | undefined;
	}
}

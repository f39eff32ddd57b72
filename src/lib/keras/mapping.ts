/**
 * The small files beside a Keras `model.h5`: `mapping.json` (symbol -> one-hot index, the reference
 * project's) and `styles.json` (style id -> style input index, this app's export), and the error that
 * names which file the user must fix.
 */
import { isMelodySymbol, SONG_END } from '../music/symbols';

/** A file the user gave cannot be imported; the message names the file and says what to do. */
export class KerasImportError extends Error {
	constructor(
		readonly file: string,
		message: string
	) {
		super(message);
		this.name = 'KerasImportError';
	}
}

/** File names used in messages (the names the user dropped). */
export interface KerasFileNames {
	model: string;
	mapping: string;
	styles: string;
}

export const DEFAULT_NAMES: KerasFileNames = {
	model: 'model.h5',
	mapping: 'mapping.json',
	styles: 'styles.json'
};

/**
 * Parses `mapping.json` text (or its parsed object) into the vocabulary in one-hot index order.
 * The indices must be exactly 0..n-1.
 */
export function parseMapping(mapping: string | unknown, name = DEFAULT_NAMES.mapping): string[] {
	let obj: unknown = mapping;
	if (typeof mapping === 'string') {
		try {
			obj = JSON.parse(mapping);
		} catch {
			throw new KerasImportError(
				name,
				`${name} is not valid JSON. Give the mapping.json the reference project wrote next to its model.`
			);
		}
	}
	if (!obj || typeof obj !== 'object' || Array.isArray(obj))
		throw new KerasImportError(
			name,
			`${name} should be a JSON object from symbol to index (like {"60": 0, "_": 1, "/": 2}).`
		);
	const entries = Object.entries(obj as Record<string, unknown>);
	const vocabulary: string[] = new Array(entries.length);
	for (const [symbol, index] of entries) {
		if (!isMelodySymbol(symbol))
			throw new KerasImportError(
				name,
				`${name} maps "${symbol}", which is not a symbol of the melody notation (a MIDI number, "r", "_" or "/").`
			);
		if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= entries.length)
			throw new KerasImportError(
				name,
				`${name} gives "${symbol}" the index ${JSON.stringify(index)}; indices must be 0 to ${entries.length - 1}.`
			);
		if (vocabulary[index] !== undefined)
			throw new KerasImportError(
				name,
				`${name} gives the index ${index} to both "${vocabulary[index]}" and "${symbol}".`
			);
		vocabulary[index] = symbol;
	}
	if (!vocabulary.includes(SONG_END))
		throw new KerasImportError(
			name,
			`${name} has no "/" (the song delimiter), so the model cannot start or end a melody.`
		);
	return vocabulary;
}

/**
 * The style ids of a model with `count` style inputs, from `styles.json` (style id -> input index); without
 * the file the styles are named style-1, style-2…
 */
export function parseStyles(
	stylesJson: string | undefined,
	count: number,
	name = DEFAULT_NAMES.styles
): string[] {
	const styles: string[] = Array.from({ length: count }, (_, i) => `style-${i + 1}`);
	if (stylesJson !== undefined) {
		let parsed: unknown;
		try {
			parsed = JSON.parse(stylesJson);
		} catch {
			throw new KerasImportError(name, `${name} is not valid JSON.`);
		}
		const entries = Object.entries((parsed ?? {}) as Record<string, unknown>);
		if (
			entries.length !== count ||
			entries.some(([, i]) => !Number.isInteger(i) || (i as number) < 0 || (i as number) >= count) ||
			new Set(entries.map(([, i]) => i)).size !== count
		)
			throw new KerasImportError(
				name,
				`${name} should map each of the model's ${count} styles to an index from 0 to ${count - 1}.`
			);
		for (const [id, i] of entries) styles[i as number] = id;
	}
	return styles;
}

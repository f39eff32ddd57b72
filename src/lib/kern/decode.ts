/**
 * Bytes to text. Humdrum files are meant to be ASCII or UTF-8, and most are. The rest:
 * - UTF-8 or UTF-16 with a byte-order mark (what Windows Notepad saves as "UTF-8" or "Unicode");
 * - a single-byte code page. The Essen files that are not UTF-8 (53 of the 3,144 in ../shared/corpus) carry
 *   their German titles and comments in DOS code page 437 (`0x81` ü, `0x84` ä, `0x94` ö, `0xE1` ß), while a
 *   file saved on Windows or a Mac since is Latin-1 / Windows-1252 (`0xF6` ö). The two are told apart by
 *   which one turns the file's non-ASCII bytes into letters (`Bettelm\xF6nch` is `Bettelmönch` in
 *   Windows-1252 and `Bettelm÷nch` in CP437); a tie goes to CP437, the collection's own.
 * Every byte becomes a character: nothing is lost.
 */

/** How a file's bytes were read. */
export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'cp437' | 'windows-1252';

/** CP437 characters for bytes 0x80–0xFF. */
const CP437_HIGH =
	'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀' +
	'αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

/** Windows-1252 characters for bytes 0x80–0x9F (the five it leaves undefined read as Latin-1's controls); 0xA0–0xFF are Latin-1. */
const CP1252_C1 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/** The text of a file and the encoding it was read with. */
export interface DecodedText {
	text: string;
	encoding: TextEncoding;
}

const decoders = new Map<string, TextDecoder>();
function decoder(label: 'utf-8' | 'utf-16le' | 'utf-16be', fatal: boolean): TextDecoder {
	const key = `${label}${fatal}`;
	let d = decoders.get(key);
	if (!d) decoders.set(key, (d = new TextDecoder(label, { fatal, ignoreBOM: true })));
	return d;
}

function singleByte(bytes: Uint8Array, high: (b: number) => string): string {
	const parts: string[] = [];
	let run = '';
	for (let i = 0; i < bytes.length; i++) {
		const b = bytes[i];
		run += b < 0x80 ? String.fromCharCode(b) : high(b);
		if (run.length >= 8192) {
			parts.push(run);
			run = '';
		}
	}
	parts.push(run);
	return parts.join('');
}

const cp437 = (b: number) => CP437_HIGH[b - 0x80];
const cp1252 = (b: number) => (b < 0xa0 ? CP1252_C1[b - 0x80] : String.fromCharCode(b));

const LATIN_LETTER = /^(?=\p{Script=Latin})[\p{Lu}\p{Ll}]$/u;

/** How many of the non-ASCII bytes read as Latin letters (ä, ß, é…) in a code page. */
function letters(bytes: Uint8Array, high: (b: number) => string): number {
	let n = 0;
	const seen = new Map<number, boolean>();
	for (let i = 0; i < bytes.length; i++) {
		const b = bytes[i];
		if (b < 0x80) continue;
		let ok = seen.get(b);
		if (ok === undefined) seen.set(b, (ok = LATIN_LETTER.test(high(b))));
		if (ok) n++;
	}
	return n;
}

/** The single-byte code page that reads these bytes best, and the text. */
export function decodeSingleByte(bytes: Uint8Array): DecodedText {
	if (letters(bytes, cp1252) > letters(bytes, cp437))
		return { text: singleByte(bytes, cp1252), encoding: 'windows-1252' };
	return { text: singleByte(bytes, cp437), encoding: 'cp437' };
}

/** The encoding a byte-order mark names, and its length; null without one. */
function bom(bytes: Uint8Array): { encoding: 'utf-8' | 'utf-16le' | 'utf-16be'; length: number } | null {
	if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
	if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
	if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
	return null;
}

/**
 * Decodes a file: by its byte-order mark when it has one (UTF-8, UTF-16), else as UTF-8 when the bytes are
 * valid UTF-8, else in the single-byte code page that reads them best. The mark is dropped.
 */
export function decodeBytes(bytes: Uint8Array): DecodedText {
	const mark = bom(bytes);
	if (mark && mark.encoding !== 'utf-8')
		return {
			text: decoder(mark.encoding, false).decode(bytes.subarray(mark.length)),
			encoding: mark.encoding
		};
	const body = mark ? bytes.subarray(mark.length) : bytes;
	try {
		return { text: decoder('utf-8', true).decode(body), encoding: 'utf-8' };
	} catch {
		return decodeSingleByte(body);
	}
}

/**
 * True when the bytes look like a binary file (an image, an archive, a MIDI file renamed `.krn`): a NUL,
 * or more than 5 % control characters other than tab, newline, carriage return and form feed. UTF-16
 * text with a byte-order mark is judged by its 16-bit characters.
 */
export function looksBinary(bytes: Uint8Array): boolean {
	const mark = bom(bytes);
	const wide = mark !== null && mark.encoding !== 'utf-8';
	const start = mark?.length ?? 0;
	const step = wide ? 2 : 1;
	const end = Math.min(bytes.length, start + 65536 * step) - (step - 1);
	let control = 0;
	let n = 0;
	for (let i = start; i < end; i += step) {
		const c = !wide
			? bytes[i]
			: mark.encoding === 'utf-16le'
				? bytes[i] | (bytes[i + 1] << 8)
				: (bytes[i] << 8) | bytes[i + 1];
		n++;
		if (c === 0) return true;
		if (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) control++;
	}
	return n > 0 && control / n > 0.05;
}

/**
 * A text file's contents for a reader: given as text, or bytes decoded (any encoding above, a byte-order
 * mark dropped); an empty file is skipped and a binary one refused, with a sentence that names what the
 * reader expected (`a Humdrum text file`, `.krn`).
 */
export function decodeFile(
	input: Uint8Array | string,
	expected: { what: string; extension: string }
): ({ ok: true } & DecodedText) | { ok: false; status: 'skipped' | 'unreadable'; reason: string } {
	let text: string;
	let encoding: TextEncoding = 'utf-8';
	if (typeof input === 'string') text = input;
	else {
		if (input.length === 0) return { ok: false, status: 'skipped', reason: 'The file is empty.' };
		if (looksBinary(input))
			return {
				ok: false,
				status: 'unreadable',
				reason: `This is a binary file, not ${expected.what} (was something else renamed to ${expected.extension}?).`
			};
		({ text, encoding } = decodeBytes(input));
	}
	if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
	return { ok: true, text, encoding };
}

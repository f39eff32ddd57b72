/**
 * Bytes to text. Humdrum files are meant to be ASCII or UTF-8, but many Essen files carry titles in a DOS
 * code page (CP437: `0x84` is ä, `0x81` ü, `0xE1` ß), so strict UTF-8 is tried first and CP437 is the
 * fallback: every byte maps to one character and nothing is ever lost.
 */

/** CP437 characters for bytes 0x80–0xFF. */
const CP437_HIGH =
	'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀' +
	'αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

/** The text of a file and the encoding it was read with. */
export interface DecodedText {
	text: string;
	encoding: 'utf-8' | 'cp437';
}

let utf8: TextDecoder | null = null;

/** Decodes bytes as UTF-8 when they are valid UTF-8 (a BOM is dropped), else as CP437. */
export function decodeBytes(bytes: Uint8Array): DecodedText {
	utf8 ??= new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
	try {
		return { text: utf8.decode(bytes), encoding: 'utf-8' };
	} catch {
		let text = '';
		for (let i = 0; i < bytes.length; i++) {
			const b = bytes[i];
			text += b < 0x80 ? String.fromCharCode(b) : CP437_HIGH[b - 0x80];
		}
		return { text, encoding: 'cp437' };
	}
}

/**
 * True when the bytes look like a binary file (an image, an archive, a MIDI file renamed `.krn`): a NUL
 * byte, or more than 5 % control characters other than tab, newline, carriage return and form feed.
 */
export function looksBinary(bytes: Uint8Array): boolean {
	const n = Math.min(bytes.length, 65536);
	let control = 0;
	for (let i = 0; i < n; i++) {
		const b = bytes[i];
		if (b === 0) return true;
		if (b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12) control++;
	}
	return n > 0 && control / n > 0.05;
}

/**
 * Melody names, cleaned once where they are set (typed, made from a style and a key, read from a stored
 * melody or a model's corpus), so that no writer meets a character that breaks its format: control
 * characters, line and paragraph separators and byte-order marks become spaces or go. Each writer still
 * escapes for its own format (ABC `%` and `\`, XML entities, MIDI text as UTF-8), and file names are cut
 * to a length every file system takes. The limits are listed in docs/limits.md.
 */
import type { Key } from '../music/key';

/** The longest name kept: a title, not a text. */
export const MAX_NAME = 200;
/** The longest file name written, extension included (file systems take 255 bytes; 100 reads well). */
export const MAX_FILE_NAME = 100;

/**
 * Characters no title needs and some format breaks on: C0 controls (NUL, tab, line feed, VT, FF, CR …),
 * DEL, C1 controls (NEL U+0085 …), the line and paragraph separators U+2028/U+2029, the byte-order mark
 * U+FEFF, the noncharacters (U+FDD0–U+FDEF and the last two of every plane, U+FFFE/U+FFFF among them),
 * and lone surrogate halves (no UTF-8 for them).
 */
const UNFIT =
	// eslint-disable-next-line no-control-regex -- finding control characters is the point
	/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufdd0-\ufdef\ufffe\uffff]|[\ud83f\ud87f\ud8bf\ud8ff\ud93f\ud97f\ud9bf\ud9ff\uda3f\uda7f\udabf\udaff\udb3f\udb7f\udbbf\udbff][\udffe\udfff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * A name fit for every format: unfit characters as spaces, runs of white space as one, no space at
 * either end, at most `MAX_NAME` characters (cut between code points). Idempotent.
 */
export function cleanName(text: string, max = MAX_NAME): string {
	const clean = text.replace(UNFIT, ' ').replace(/\s+/gu, ' ').trim();
	const points = [...clean];
	return points.length <= max ? clean : points.slice(0, max).join('').trimEnd();
}

/**
 * A file name from a melody name: letters, digits and dashes, at most `MAX_FILE_NAME` characters with the
 * extension and at most 255 bytes of UTF-8 (what Linux, macOS and Windows file systems take); `melody`
 * when nothing is left.
 */
export function fileName(name: string, ext: string): string {
	const room = MAX_FILE_NAME - ext.length - 1;
	const roomBytes = 255 - ext.length - 1;
	const encoder = new TextEncoder();
	let base = '';
	let count = 0;
	let bytes = 0;
	for (const c of cleanName(name)
		.replace(/[^\p{L}\p{N}]+/gu, '-')
		.replace(/^-|-$/g, '')) {
		const size = encoder.encode(c).length;
		if (count + 1 > room || bytes + size > roomBytes) break;
		base += c;
		count++;
		bytes += size;
	}
	return `${base.replace(/-$/, '') || 'melody'}.${ext}`;
}

/** Words that name a collection, not a style: a corpus called `songs.zip` writes Folk tunes. */
const GENERIC =
	/^(songs?|tunes?|melod(y|ies)|music|folk|corpus|files?|data|dataset|kern|krn|midi|upload(ed)?|untitled|new|my|default|all|mixed|essen|import(ed)?|training|train|test|\d+)$/i;

/**
 * The style a tune is called after: a corpus or model name less its file extension, numbering and words
 * such as "songs" or "folk"; `Folk` when nothing that names a style is left (`songs.zip`, `corpus (2)`).
 */
export function styleWord(name: string): string {
	const words = cleanName(name)
		.replace(/^default:\s*/i, '')
		.replace(/\.(zip|krn|kern|mid|midi|txt)$/i, '')
		.replace(/\s*\(.*?\)\s*/g, ' ')
		.split(/[\s_\-.,]+/)
		.filter((w) => w && !GENERIC.test(w));
	return words.length ? words.join(' ') : 'Folk';
}

/** `D` for D major, `E minor`, `D Dorian`: a key as a title says it. */
export function keyInTitle(key: Key): string {
	return key.mode === 'major' ? key.name.replace(/ major$/, '') : key.name;
}

/** "Chinese tune in D, 3/4, 8 bars": a name a musician can tell apart. */
export function tuneName(style: string, key: Key, meter: string, bars: number): string {
	return cleanName(`${style} tune in ${keyInTitle(key)}, ${meter}, ${bars} ${bars === 1 ? 'bar' : 'bars'}`);
}

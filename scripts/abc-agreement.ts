/**
 * How often the ABC reader plays a tune note for note as abc2midi (Debian's abcmidi) does: every tune of
 * the .abc files given, pitch, start and length on the 16th grid, repeats expanded (tests/lib/notation/
 * abc2midi.ts says how both sides are compared). A tune that differs is tried once more with the implied
 * `|:` and the other stated rules written into abc2midi's copy (where the two differ on purpose, tests/lib/notation/abc2midi.ts, docs/formats-in.md);
 * the two counts are printed apart. Usage: npx tsx scripts/abc-agreement.ts <files.abc…> [-v]
 */
import { readFileSync } from 'node:fs';
import { readAbc } from '../src/lib/notation/abc-in';
import { abc2midiNotes, firstDifference, readerNotes } from '../tests/lib/notation/abc2midi';

const verbose = process.argv.includes('-v');
const files = process.argv.slice(2).filter((a) => a !== '-v');
let tunes = 0;
let read = 0;
let same = 0;
let byRule = 0;
const pct = (n: number) => `${((100 * n) / Math.max(1, read)).toFixed(1)} %`;
for (const file of files) {
	const r = readAbc(new Uint8Array(readFileSync(file)), file);
	if (!r.ok) {
		console.log(`${file}: ${r.reason}`);
		continue;
	}
	for (const t of r.tunes) {
		tunes++;
		if (!t.ok || t.tune === undefined) {
			if (verbose) console.log(`${file} X:${t.tune}: not read (${t.ok ? 'no X: number' : t.reason})`);
			continue;
		}
		read++;
		const ours = readerNotes(t.song.events);
		const theirs = abc2midiNotes(file, t.tune);
		const d = theirs ? firstDifference(ours, theirs) : 'abc2midi wrote no notes';
		if (!d) {
			same++;
			continue;
		}
		const ruled = abc2midiNotes(file, t.tune, true);
		if (ruled && !firstDifference(ours, ruled)) {
			byRule++;
			if (verbose) console.log(`${file} X:${t.tune} ${t.title ?? ''}: same under the stated rules`);
		} else if (verbose) console.log(`${file} X:${t.tune} ${t.title ?? ''}: ${d}`);
	}
}
console.log(
	`${files.length} files, ${tunes} tunes, ${read} read; ${same} of ${read} (${pct(same)}) note for note as abc2midi plays them, ` +
		`${same + byRule} (${pct(same + byRule)}) under the stated rules (abc2midi given the implied |: written out; ${byRule} tunes)`
);

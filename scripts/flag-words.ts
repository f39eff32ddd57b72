/**
 * The words after `--<flag>` on the command line, up to the next flag: a shell glob gives several words
 * after one flag (the scripts' `--in-<style> $D/kinder/*.krn`).
 */
export function flagWords(flag: string, argv: readonly string[] = process.argv.slice(2)): string[] {
	const out: string[] = [];
	let on = false;
	for (const a of argv) {
		if (a.startsWith('--')) on = a === `--${flag}`;
		else if (on) out.push(a);
	}
	return out;
}

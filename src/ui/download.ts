/** Saves bytes or text as a file the browser downloads (no server involved). */
export function download(data: Uint8Array | string, filename: string, type: string): void {
	const part: BlobPart = typeof data === 'string' ? data : new Uint8Array(data);
	const url = URL.createObjectURL(new Blob([part], { type }));
	const a = document.createElement('a');
	a.href = url;
	a.download = filename;
	document.body.appendChild(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name from a melody name: letters, digits and dashes. */
export function fileName(name: string, ext: string): string {
	const base =
		name
			.trim()
			.replace(/[^\p{L}\p{N}]+/gu, '-')
			.replace(/^-|-$/g, '') || 'melody';
	return `${base}.${ext}`;
}

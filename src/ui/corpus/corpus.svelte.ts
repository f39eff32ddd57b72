/**
 * The Corpus stage's state: the stored corpora, the one on show with its report, and the import running
 * in the shared worker (with progress and cancel). Components read it and call its methods.
 */
import { base } from '$app/paths';
import { app, chooseCorpus } from '$ui/app-state.svelte';
import { studio, requestId } from '$ui/worker-client';
import type { CorpusListItem, FileReport } from '$lib/corpus/types';
import { DEFAULT_ENCODE_OPTIONS, type EncodedSong } from '$lib/encoding/song';
import type { IngestFile } from '$lib/worker/messages/corpus';
import { deleteCorpus, getCorpus, getCorpusReport, listCorpora, renameCorpus } from '$lib/storage/corpora';
import { corpusName } from './collect';

class Corpora {
	list = $state<CorpusListItem[]>([]);
	current = $state<CorpusListItem | null>(null);
	report = $state<FileReport[]>([]);
	keepKey = $state(DEFAULT_ENCODE_OPTIONS.keepKey);
	quantizeTuplets = $state(DEFAULT_ENCODE_OPTIONS.quantizeTuplets);
	/** Id of the import request running now, or null. */
	running = $state<string | null>(null);
	progress = $state({ done: 0, total: 0, path: '' });
	message = $state<string | null>(null);
	error = $state<string | null>(null);
	/** The stored corpus an import turned out to repeat (same songs), to offer opening it. */
	duplicate = $state<CorpusListItem | null>(null);
	/** Counts finished imports, so the summary can take the focus. */
	delivered = $state(0);
	/** A kept song opened from the report: its score and a player. */
	opened = $state<EncodedSong | null>(null);
	private songsOf: { id: string; songs: EncodedSong[] } | null = null;
	/**
	 * The files of the last import and the MIDI tracks chosen for it, kept while its corpus is on show, so
	 * that choosing another track of a MIDI file reads the same drop again.
	 */
	private lastDrop: {
		files: IngestFile[];
		name: string | undefined;
		midiTracks: Record<string, number>;
	} | null = null;
	/** The corpus `lastDrop` made: its report offers the track choice. */
	tracksFor = $state<string | null>(null);

	async refresh() {
		try {
			this.list = await listCorpora();
		} catch (e) {
			this.error = (e as Error).message;
		}
	}

	/** Lists the corpora and shows the one in use (the remembered one, else the newest). */
	async load() {
		await this.refresh();
		if (!app.corpusId || !this.list.some((c) => c.id === app.corpusId))
			app.corpusId = this.list[0]?.id ?? null;
		await this.show(app.corpusId);
	}

	async show(id: string | null) {
		this.current = id ? (this.list.find((c) => c.id === id) ?? null) : null;
		this.report = [];
		this.opened = null;
		if (!id) return;
		try {
			const report = await getCorpusReport(id);
			if (app.corpusId === id || this.current?.id === id) this.report = report ?? [];
		} catch (e) {
			this.error = (e as Error).message;
		}
	}

	/** Shows a kept song of the current corpus: its score, and a player. */
	async open(path: string) {
		const current = this.current;
		if (!current) return;
		try {
			// A large corpus is read from the database once, not on every Open.
			if (this.songsOf?.id !== current.id)
				this.songsOf = { id: current.id, songs: (await getCorpus(current.id))?.songs ?? [] };
			const song = this.songsOf.songs.find((s) => s.path === path);
			if (song) this.opened = song;
			else this.error = `“${path}” is not among the kept songs of this corpus any more.`;
		} catch (e) {
			this.error = (e as Error).message;
		}
	}

	select(id: string) {
		chooseCorpus(id);
		this.duplicate = null;
		void this.show(id);
	}

	/** Reads the last drop again with track `track` (1-based) of the MIDI file `path`, as a new corpus. */
	chooseTrack(path: string, track: number) {
		const drop = this.lastDrop;
		if (!drop || this.running) return;
		void this.import(drop.files, drop.name, { ...drop.midiTracks, [path]: track });
	}

	async import(files: IngestFile[], name = corpusName(files), midiTracks: Record<string, number> = {}) {
		if (this.running) return;
		this.error = null;
		this.message = null;
		this.duplicate = null;
		if (files.length === 0) {
			this.error =
				'Nothing to import: the drop held no files. Drop .krn, .abc, MusicXML or MIDI files, a folder or a .zip archive.';
			return;
		}
		const id = requestId('corpus');
		this.running = id;
		this.opened = null;
		this.songsOf = null;
		this.progress = { done: 0, total: files.length, path: '' };
		const options = {
			keepKey: this.keepKey,
			quantizeTuplets: this.quantizeTuplets,
			...(Object.keys(midiTracks).length ? { midiTracks } : {})
		};
		try {
			await studio().send({ type: 'corpus/ingest', id, name, files, options }, (r) => {
				if (r.type === 'corpus/progress') this.progress = { done: r.done, total: r.total, path: r.path };
				else if (r.type === 'corpus/ingested') {
					const s = r.corpus.summary;
					if (r.duplicate) {
						this.duplicate = r.corpus;
						this.message = `These songs are already stored as “${r.corpus.name}” (${s.songs} songs), so nothing new was added.`;
						return;
					}
					this.list = [r.corpus, ...this.list.filter((c) => c.id !== r.corpus.id)];
					this.current = r.corpus;
					this.report = r.report;
					this.lastDrop = { files, name, midiTracks };
					this.tracksFor = r.corpus.id;
					chooseCorpus(r.corpus.id);
					this.message = `Imported “${r.corpus.name}”: ${s.songs} songs kept of ${s.files} files (${s.skipped} skipped, ${s.unreadable} unreadable).`;
					this.delivered++;
				}
			});
		} catch (e) {
			const text = (e as Error).message;
			if (/cancelled/i.test(text)) this.message = text;
			else this.error = text;
		} finally {
			this.running = null;
		}
	}

	cancel() {
		if (this.running) studio().cancel(this.running);
	}

	/** Imports the sample of the Essen collection the app ships. */
	async loadDemo() {
		this.error = null;
		try {
			const res = await fetch(`${base}/demo/index.json`);
			if (!res.ok) throw new Error(`HTTP ${res.status}`);
			const index = (await res.json()) as { name: string; files: string[] };
			const files: IngestFile[] = await Promise.all(
				index.files.map(async (f) => {
					const r = await fetch(`${base}/demo/${f}`);
					if (!r.ok) throw new Error(`${f}: HTTP ${r.status}`);
					return { path: f, bytes: new Uint8Array(await r.arrayBuffer()) };
				})
			);
			await this.import(files, index.name);
		} catch (e) {
			this.error = `The demo corpus could not be loaded (${(e as Error).message}). Reload the page and try again.`;
		}
	}

	async rename(id: string, name: string) {
		try {
			await renameCorpus(id, name);
			this.list = this.list.map((c) => (c.id === id ? { ...c, name } : c));
			if (this.current?.id === id) this.current = { ...this.current, name };
		} catch (e) {
			this.error = (e as Error).message;
		}
	}

	async remove(id: string) {
		try {
			await deleteCorpus(id);
			this.list = this.list.filter((c) => c.id !== id);
			if (app.corpusId === id) chooseCorpus(this.list[0]?.id ?? null);
			await this.show(app.corpusId);
		} catch (e) {
			this.error = (e as Error).message;
		}
	}
}

/** The one Corpus stage's state. */
export const corpora = new Corpora();

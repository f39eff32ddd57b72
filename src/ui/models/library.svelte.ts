/**
 * The stored models, shared by the Train stage (the library: use, rename, export, delete, import) and the
 * Generate stage (the model picker), and how much of the browser's storage they take.
 */
import { app, chooseModel } from '$ui/app-state.svelte';
import { requestPersistence } from '$lib/storage/checkpoints';
import { deleteModel, exportModel, listModels, renameModel, type ModelListItem } from '$lib/storage/models';
import { requestId, studio } from '$ui/worker-client';
import { download } from '$ui/download';
import type { ModelMetadata } from '$lib/model/format';
import type { ModelsRequest } from '$lib/worker/messages/models';
import { bundledModelUrl } from '$ui/bundled-model';
import {
	BUNDLED_HELD_OUT_KIND,
	describeBundled,
	describeQuality,
	keptValLoss,
	type Figure,
	type Quality,
	type SongSet
} from '$lib/eval/quality';
import { bitsOf } from '$ui/units';

/** A stored model's validation songs, as the quality sentences name them. */
export function validationSongs(count: number | null, corpusName?: string): SongSet {
	return { count, kind: corpusName ? `songs of “${corpusName}”` : 'songs of its corpus' };
}

/**
 * Known at build time: probing the server would log a 404 where no default model is bundled. The glob
 * takes a literal, so the folder is spelled here as well as in BUNDLED_MODEL_DIR (a test holds the two).
 */
export const HAS_DEFAULT_MODEL =
	Object.keys(import.meta.glob('/static/models/default/model.json')).length > 0;

/** The bundled model as the page describes it. */
export interface DefaultModelInfo {
	name: string;
	/** What it learned from, in a word or two ("German"), for melody names. */
	style: string;
	/**
	 * Its score on held-out songs, in bits per step, and which songs (docs/model-card.md): one figure
	 * whether it was trained as one network or merged from several, whose own validation scores are not
	 * the merged model's.
	 */
	heldOut: Figure | null;
}

/** "Default: German folk songs (LSTM 128, …)" → "German", "Default: Essen folk songs in five styles" → "Essen". */
export function styleOf(name: string): string {
	return (
		name
			.replace(/^default:\s*/i, '')
			.replace(/\s*\(.*\)\s*$/, '')
			.replace(/\s*(folk\s*)?(songs?|tunes?|melodies)\b.*$/i, '')
			.trim() || name
	);
}

class Library {
	models = $state<ModelListItem[]>([]);
	/** False until the first listing is in. */
	listed = $state(false);
	storage = $state<{ persisted: boolean; usage: number; quota: number } | null>(null);
	message = $state<string | null>(null);
	/** The bundled model's name, style and score, once read. */
	bundled = $state<DefaultModelInfo | null>(null);
	error = $state<string | null>(null);

	private listing: Promise<void> | null = null;

	/**
	 * Lists the models again. When listings overlap, each call returns only once the one asked for last is in,
	 * so a caller never acts on a list older than its own request.
	 */
	async refresh() {
		const mine: Promise<void> = listModels().then(
			(models) => {
				if (this.listing === mine) this.models = models;
			},
			(e: Error) => {
				this.error = e.message;
			}
		);
		this.listing = mine;
		let awaited: Promise<void> = mine;
		await awaited;
		while (this.listing && this.listing !== awaited) {
			awaited = this.listing;
			await awaited;
		}
		this.listed = true;
	}

	/** Reads the bundled model's metadata (from the app's own files, cached for offline use). */
	async loadBundled() {
		if (!HAS_DEFAULT_MODEL || this.bundled) return;
		try {
			const r = await fetch(bundledModelUrl('metadata.json'));
			const m = (await r.json()) as ModelMetadata;
			this.bundled = {
				name: m.name,
				style: styleOf(m.name),
				heldOut:
					m.scores?.bitsPerStep && m.scores.songs
						? {
								bitsPerStep: m.scores.bitsPerStep,
								songs: { count: m.scores.songs, kind: BUNDLED_HELD_OUT_KIND }
							}
						: null
			};
		} catch {
			this.bundled = null;
		}
	}

	/**
	 * How good a stored model is, in the words every place uses: against the bundled model on its own validation songs, where its run kept both figures (metadata
	 * `scores`, written by the training worker), else by its own figure only.
	 */
	quality(m: ModelListItem): Quality {
		const scores = m.metadata.scores ?? {};
		const songs = validationSongs(scores.valSongs ?? null, m.metadata.corpus?.name);
		const kept = keptValLoss(m.metadata.history, m.metadata.status);
		const own = scores.valBitsPerStep ?? (kept === null ? null : bitsOf(kept));
		return describeQuality(
			own === null ? null : { bitsPerStep: own, songs },
			own !== null && scores.bundledValBitsPerStep !== undefined
				? { bitsPerStep: scores.bundledValBitsPerStep, songs }
				: null,
			this.bundled?.heldOut ?? null
		);
	}

	/** The bundled model's quality, once its metadata is read (null without a held-out figure). */
	get bundledQuality(): Quality | null {
		return this.bundled?.heldOut ? describeBundled(this.bundled.heldOut) : null;
	}

	/** The style of a model for melody names: the bundled one's, or the corpus a stored one learned from. */
	style(id: string | null): string {
		if (id === 'default') return this.bundled?.style ?? 'Folk';
		const m = this.models.find((x) => x.id === id);
		return m ? styleOf(m.metadata.corpus?.name ?? m.name) : 'Folk';
	}

	async refreshStorage() {
		try {
			this.storage = await requestPersistence();
		} catch {
			this.storage = null;
		}
	}

	async remove(m: ModelListItem) {
		if (!confirm(`Delete the model “${m.name}”?`)) return;
		await deleteModel(m.id);
		if (app.modelId === m.id) chooseModel(null);
		await this.refresh();
		await this.refreshStorage();
	}

	async rename(m: ModelListItem, name: string) {
		name = name.trim();
		if (!name || name === m.name) return;
		await renameModel(m.id, name);
		await this.refresh();
	}

	async export(m: ModelListItem) {
		try {
			const { fileName, bytes } = await exportModel(m.id);
			download(bytes, fileName, 'application/zip');
		} catch (e) {
			this.error = (e as Error).message;
		}
	}

	/**
	 * Merges stored models into a new one that predicts as their ensemble (the worker refuses models that
	 * read different inputs, with a sentence) and chooses it for generation. True when it was made.
	 */
	merge(models: ModelListItem[]): Promise<boolean> {
		const name = `${models.map((m) => m.name).join(' + ')} (merged)`;
		return this.store(
			{ type: 'models/merge', id: requestId('model-merge'), ids: models.map((m) => m.id), name },
			(m) => `Merged ${models.length} models into “${m.name}”.`
		);
	}

	/** Stores an exported model file and chooses it for generation. */
	async import(file: File) {
		// Unpacked in the worker, within the zip limits: a hostile file never costs the page its memory.
		await this.store(
			{ type: 'models/import-file', id: requestId('model-file'), file, name: file.name },
			(m) => `Imported the model “${m.name}”.`
		);
	}

	/**
	 * Sends a request the worker answers with a newly stored model, then chooses that model and says so;
	 * a refusal becomes the error shown. True when the model was stored.
	 */
	private async store(
		request: Extract<ModelsRequest, { type: 'models/merge' | 'models/import-file' }>,
		said: (m: { id: string; name: string }) => string
	): Promise<boolean> {
		this.error = null;
		this.message = null;
		try {
			let saved: { id: string; name: string } | null = null;
			await studio().send(request, (r) => {
				if (r.type === 'models/imported') saved = r.model;
			});
			if (!saved) throw new Error('the worker did not answer');
			const m: { id: string; name: string } = saved;
			this.message = said(m);
			chooseModel(m.id);
			await this.refresh();
			await this.refreshStorage();
			return true;
		} catch (e) {
			this.error = (e as Error).message;
			return false;
		}
	}
}

/** The one model library of the page. */
export const library = new Library();

/**
 * Kept melodies: the ones the user chose to keep, stored with what made them, listed, renamed, deleted.
 */
import { app } from '$ui/app-state.svelte';
import {
	deleteMelody,
	listMelodies,
	renameMelody,
	saveMelody,
	type StoredMelody
} from '$lib/storage/melodies';
import { generation as g } from './generate.svelte';
import { sound } from './sound.svelte';

class Kept {
	melodies = $state<StoredMelody[]>([]);

	async refresh() {
		try {
			this.melodies = await listMelodies();
		} catch {
			this.melodies = [];
		}
	}

	/** Keeps the melody on show with its seed and settings, so it can be made again. */
	async keep() {
		const current = g.current;
		if (!current || !app.modelId) return;
		try {
			await saveMelody({
				name: g.shownName || g.nameFor(current),
				modelId: app.modelId,
				modelName: g.modelName,
				seed: current.symbols.slice(0, current.seedLength),
				temperature: g.temperature,
				topP: g.topP,
				...(g.wholeTune ? { bars: g.bars } : {}),
				steps: g.steps,
				stopAtEnd: g.stopAtEnd,
				randomSeed: current.randomSeed,
				symbols: $state.snapshot(current.symbols),
				meter: g.meterText,
				bpm: sound.bpm,
				tonic: g.tonic,
				...(current.mode ? { mode: current.mode } : {}),
				...(current.form ? { form: $state.snapshot(current.form) } : {})
			});
			g.status = `Kept “${g.shownName}”.`;
			await this.refresh();
		} catch (e) {
			g.runError = (e as Error).message;
		}
	}

	async rename(m: StoredMelody, name: string) {
		try {
			await renameMelody(m.id, name);
			await this.refresh();
		} catch (e) {
			g.runError = (e as Error).message;
		}
	}

	async remove(m: StoredMelody) {
		await deleteMelody(m.id);
		await this.refresh();
	}
}

/** The kept melodies of the page. */
export const kept = new Kept();

import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import {
	deleteMelody,
	getMelody,
	listMelodies,
	renameMelody,
	saveMelody,
	type NewMelody
} from '../../../src/lib/storage/melodies';
import { generate } from '../../../src/lib/generate/generate';
import { LstmStepModel } from '../../../src/lib/model/lstm-step';
import { referenceVocabulary, tinyModel } from '../generate/tiny-model';

const model = new LstmStepModel(tinyModel(referenceVocabulary(), 8, 2));

function made(randomSeed: number, name: string): NewMelody {
	const seed = ['60', '_', '62', '_'];
	const [m] = generate(model, seed, {
		steps: 32,
		temperature: 0.7,
		stopAtEnd: false,
		variations: 1,
		randomSeed
	});
	return {
		name,
		modelId: 'tiny',
		modelName: 'Tiny test model',
		seed,
		temperature: 0.7,
		steps: 32,
		stopAtEnd: false,
		randomSeed: m.randomSeed,
		symbols: m.symbols,
		meter: '3/4',
		bpm: 96
	};
}

describe('kept melodies', () => {
	it('stores a melody with what makes it again, lists newest first, renames and deletes', async () => {
		const a = await saveMelody({ ...made(1, 'First'), createdAt: 1000 });
		const b = await saveMelody({ ...made(2, 'Second'), createdAt: 2000 });
		expect((await listMelodies()).map((m) => m.name)).toEqual(['Second', 'First']);

		const stored = (await getMelody(a.id))!;
		const [again] = generate(model, stored.seed, {
			steps: stored.steps,
			temperature: stored.temperature,
			stopAtEnd: stored.stopAtEnd,
			variations: 1,
			randomSeed: stored.randomSeed
		});
		expect(again.symbols).toEqual(stored.symbols);

		await renameMelody(b.id, '  Evening tune ');
		expect((await getMelody(b.id))?.name).toBe('Evening tune');
		await expect(renameMelody(b.id, '   ')).rejects.toThrow(/needs a name/);
		await deleteMelody(a.id);
		expect((await listMelodies()).map((m) => m.id)).toEqual([b.id]);
		await expect(renameMelody(a.id, 'Gone')).rejects.toThrow(/no longer stored/);
	});
});

/**
 * Time to train the quality recipe to its best validation score on this machine. A full run takes a long
 * time on two shared cores, so this measures a shortened run of the recipe on erk (QUALITY_BENCH_BATCHES
 * batches, default 8) for the time per batch, scales it to a full epoch, and multiplies by the epochs the
 * recorded recipe run needed to reach its best validation loss (read from the shipped model's history).
 * Also prints the recorded run's own measured training time to that epoch.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasShared, repoRoot, shared } from '../tests/shared';
import { ingest } from '../src/lib/corpus/ingest';
import { dropFromPaths } from '../src/cli/files';
import { Trainer, bits } from '../src/lib/train/trainer';
import { selectBackend } from '../src/lib/train/backend';
import type { ModelMetadata } from '../src/lib/model/format';

const BATCHES = Math.max(2, Number(process.env.QUALITY_BENCH_BATCHES ?? 8));

export default async function quality(): Promise<void> {
	const metaPath = join(repoRoot, 'static', 'models', 'default', 'metadata.json');
	if (!hasShared() || !existsSync(metaPath)) {
		console.log('quality: skipped (needs ../shared and static/models/default/metadata.json)');
		return;
	}
	const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as ModelMetadata;
	if (!meta.config) {
		console.log('quality: the default model records no training settings; skipped');
		return;
	}
	const history = meta.history;
	const best = history.reduce(
		(b, r) => (r.valLoss !== null && (b === null || r.valLoss < b.valLoss!) ? r : b),
		null as (typeof history)[number] | null
	);
	const { songs } = await ingest(dropFromPaths([shared('corpus', 'essen', 'deutschl', 'erk')]));
	const chosen = await selectBackend({ force: 'wasm', candidates: ['wasm', 'cpu'] });
	// Whole songs: a recipe with bar-position input needs their meters and barlines.
	const trainer = Trainer.create(
		songs,
		{ ...meta.config, epochs: 1, maxBatchesPerEpoch: BATCHES },
		{ id: 'bench:erk', name: 'erk', hash: 'bench' }
	);
	const full = Trainer.create(
		songs,
		{ ...meta.config, epochs: 1, maxBatchesPerEpoch: 0 },
		{ id: 'bench:erk', name: 'erk', hash: 'bench' }
	);
	const batchesPerEpoch = full.batchesPerEpoch();
	full.dispose();
	const t0 = performance.now();
	await trainer.run({ yieldEachBatch: false });
	const seconds = (performance.now() - t0) / 1000;
	const record = trainer.history[0];
	trainer.dispose();
	// The epoch includes one validation pass; time the training batches as the trainer measured them.
	const perBatch = record.seconds / BATCHES;
	const epochSeconds = perBatch * batchesPerEpoch;
	const cfg = meta.config;
	console.log(
		`recipe: ${cfg.layers}x${cfg.units} LSTM, dropout ${cfg.dropout}, recurrent dropout ${cfg.recurrentDropout}, ` +
			`lr ${cfg.learningRate} x ${cfg.learningRateDecay ?? 1} per epoch, bar input ${cfg.meterInput ? 'on' : 'off'}, batch ${cfg.batchSize}, seq ${cfg.seqLength}; backend ${chosen.backend}`
	);
	console.log(
		`measured on erk: ${BATCHES} batches in ${record.seconds.toFixed(1)} s (${seconds.toFixed(1)} s with validation), ` +
			`${record.symbolsPerSecond.toFixed(0)} symbols/s -> ${epochSeconds.toFixed(0)} s per epoch of ${batchesPerEpoch} batches`
	);
	if (best) {
		const recorded = history.filter((r) => r.epoch <= best.epoch).reduce((a, r) => a + r.seconds, 0);
		console.log(
			`recorded run (${meta.corpus?.name.slice(0, 60) ?? 'unknown corpus'}): best validation ${bits(best.valLoss!).toFixed(3)} bits ` +
				`at epoch ${best.epoch}, reached after ${recorded.toFixed(0)} s of training there`
		);
		console.log(
			`time to best validation on erk here: ${best.epoch} epochs x ${epochSeconds.toFixed(0)} s = ` +
				`${((best.epoch * epochSeconds) / 60).toFixed(1)} min (plus validation passes)`
		);
	}
}

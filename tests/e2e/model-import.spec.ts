import { test, expect } from './fixtures';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { openModel, packModel, toModelFiles } from '../../src/lib/model/format';
import { initialWeights } from '../../src/lib/model/init';
import { repoRoot } from '../shared';
import { buildZip, entry, zeroBomb } from '../lib/zip/zip-build';

const dir = join(repoRoot, 'static/models/default');
const files = {
	'model.json': new Uint8Array(readFileSync(join(dir, 'model.json'))),
	'weights.bin': new Uint8Array(readFileSync(join(dir, 'weights.bin'))),
	'metadata.json': new Uint8Array(readFileSync(join(dir, 'metadata.json')))
};

test('a model file is imported in the worker; a zip bomb is refused with a sentence and the page stays usable', async ({
	page,
	watch
}) => {
	await page.goto('/');
	const input = page.getByLabel('Import a model file (.zip exported by this app or the command line)');
	// A bomb: weights.bin declared as 1,000 bytes, inflating to 64 MB.
	const bomb = buildZip([
		entry('model.json', files['model.json']),
		{ name: 'weights.bin', data: zeroBomb(64 << 20), method: 8, size: 1000, crc: 0 },
		entry('metadata.json', files['metadata.json'])
	]);
	await input.setInputFiles({
		name: 'bomb.model.zip',
		mimeType: 'application/zip',
		buffer: Buffer.from(bomb)
	});
	await expect(page.getByRole('alert')).toContainText(
		/bomb\.model\.zip\/weights\.bin is damaged inside its archive: it holds more data than the 1000 bytes/
	);
	// The real thing, zipped as the app exports it.
	await input.setInputFiles({
		name: 'default.model.zip',
		mimeType: 'application/zip',
		buffer: Buffer.from(zipSync(files, { level: 0 }))
	});
	await expect(page.getByText(/Imported the model “/)).toBeVisible();
	await expect(page.getByTestId('models')).toContainText('LSTM');
	expect(watch.consoleErrors).toEqual([]);
});

/** The bundled model's files under another name, zipped as the app exports a model. */
function renamed(name: string): Buffer {
	const metadata = JSON.parse(Buffer.from(files['metadata.json']).toString('utf8'));
	return Buffer.from(
		zipSync({ ...files, 'metadata.json': strToU8(JSON.stringify({ ...metadata, name })) }, { level: 0 })
	);
}

test('two stored models merged into one that generates; models that read other inputs refused with a sentence', async ({
	page,
	watch
}) => {
	const { weights, metadata } = openModel({
		model: files['model.json'],
		weights: files['weights.bin'],
		metadata: files['metadata.json']
	});
	// A model that does not look back: its inputs differ from the bundled model's.
	const plain = initialWeights(weights.vocabulary, 1, 16, 1, true, weights.styles, false);
	const plainFiles = toModelFiles(plain, {
		...metadata,
		name: 'Plain',
		config: { ...metadata.config!, units: 16, lookback: false },
		members: undefined
	});
	const plainZip = packModel(plainFiles);

	await page.goto('/');
	const input = page.getByLabel('Import a model file (.zip exported by this app or the command line)');
	for (const [name, buffer] of [
		['Tune A', renamed('Tune A')],
		['Tune B', renamed('Tune B')],
		['Plain', Buffer.from(plainZip)]
	] as const) {
		await input.setInputFiles({ name: `${name}.model.zip`, mimeType: 'application/zip', buffer });
		await expect(page.getByText(`Imported the model “${name}”.`)).toBeVisible();
	}
	const list = page.getByTestId('models');
	await expect(list.getByRole('listitem')).toHaveCount(3);
	await page.getByText('Merge models into one').click();
	const merge = page.getByRole('group', { name: 'Models to merge' });
	const button = page.getByRole('button', { name: /^Merge (\d )?models$/ });
	await expect(button).toBeDisabled();
	await merge.getByLabel('Tune A').check();
	await merge.getByLabel('Plain').check();
	await button.click();
	await expect(page.getByRole('alert')).toContainText(
		/These models cannot be merged: “(Plain|Tune A)” (does not look|looks) back bars, “(Tune A|Plain)” (does|does not)\. Merge models trained on the same corpora/
	);
	await merge.getByLabel('Plain').uncheck();
	await merge.getByLabel('Tune B').check();
	await page.getByRole('button', { name: 'Merge 2 models' }).click();
	await expect(
		page.getByRole('status').filter({ hasText: /Merged 2 models into “Tune [AB] \+ Tune [AB] \(merged\)”/ })
	).toBeVisible();
	const merged = list.getByRole('listitem').filter({ hasText: '(merged)' });
	await expect(merged).toContainText('2 models merged');
	await expect(merged.getByRole('button', { name: /^Use / })).toHaveAttribute('aria-pressed', 'true');

	const stage = page.locator('#generate');
	await stage.getByRole('button', { name: 'Generate', exact: true }).click();
	await expect(stage.getByText(/Generated 1 melody in \d+ ms/)).toBeVisible({ timeout: 30_000 });
	expect((await stage.getByTestId('melody-symbols').textContent())!.trim().split(' ').length).toBeGreaterThan(
		16
	);
	expect(watch.consoleErrors).toEqual([]);
});

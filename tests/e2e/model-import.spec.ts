import { test, expect } from './fixtures';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { repoRoot } from '../shared';
import { buildZip, entry, zeroBomb } from '../lib/corpus/zip-build';

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

import { test, expect } from './fixtures';
import { hasShared, shared } from '../shared';

test.describe('the reference project user brings their Keras model', () => {
	test.skip(!hasShared(), '../shared (the reference model.h5 and mapping.json) is not beside the repository');

	test('drops model.h5 and mapping.json, then generates with it', async ({ page, watch }) => {
		await page.goto('/');
		const stage = page.locator('#generate');
		await stage.getByText('Use a model from the Keras reference project').click();
		await stage.getByTestId('keras-h5').setInputFiles(shared('fixtures', 'seed-keras', 'model.h5'));
		await stage.getByTestId('keras-mapping').setInputFiles(shared('fixtures', 'seed-keras', 'mapping.json'));
		await stage.getByTestId('keras-import').click();
		await expect(stage.getByText(/Imported “.*” and chose it for generation/)).toBeVisible();
		// The reference vocabulary of erk: 38 symbols (the model's details are behind a disclosure).
		await stage.getByText('About this model').click();
		await expect(stage.getByText(/38 symbols in its vocabulary/)).toBeVisible();

		await stage.getByText('Shape it: seed, temperature, variations').click();
		await stage.getByLabel('Random seed').fill('42');
		await stage.getByRole('button', { name: 'Generate', exact: true }).click();
		const symbols = (await stage.getByTestId('melody-symbols').textContent())!.trim().split(/\s+/);
		expect(symbols.length).toBeGreaterThan(4);
		expect(symbols[0]).not.toBe('_');
		await expect(stage.getByTestId('piano-roll').locator('rect.note').first()).toBeVisible();

		// A file that is not a Keras model is refused with a sentence naming it.
		await stage.getByTestId('keras-h5').setInputFiles({
			name: 'model.h5',
			mimeType: 'application/octet-stream',
			buffer: Buffer.from('not an HDF5 file at all')
		});
		await stage.getByTestId('keras-mapping').setInputFiles(shared('fixtures', 'seed-keras', 'mapping.json'));
		await stage.getByTestId('keras-import').click();
		await expect(stage.getByRole('alert')).toContainText('model.h5');
		expect(watch.consoleErrors).toEqual([]);
	});

	test('the model shown after an import is the imported one, even when an earlier answer comes late', async ({
		page,
		context,
		watch
	}) => {
		// The bundled model's weights are held back until the import is shown, so its description reaches
		// the page after the import's however fast the machine is.
		let delayed = 0;
		let release = () => {};
		const held = new Promise<void>((r) => (release = r));
		await context.route('**/models/default/weights.bin', async (route) => {
			delayed++;
			await held;
			await route.continue();
		});
		await page.goto('/');
		const stage = page.locator('#generate');
		await stage.getByText('Use a model from the Keras reference project').click();
		await stage.getByTestId('keras-h5').setInputFiles(shared('fixtures', 'seed-keras', 'model.h5'));
		await stage.getByTestId('keras-mapping').setInputFiles(shared('fixtures', 'seed-keras', 'mapping.json'));
		await stage.getByTestId('keras-import').click();
		await expect(stage.getByText(/Imported “.*” and chose it for generation/)).toBeVisible();
		await stage.getByText('About this model').click();
		await expect(stage.getByText(/38 symbols in its vocabulary/)).toBeVisible();
		expect(delayed).toBeGreaterThan(0);
		// The late answer about the bundled model arrives and changes nothing (what is checked is that nothing
		// changes, so the short wait after its weights arrive can only miss a fault, never invent one).
		const arrived = context.waitForEvent('requestfinished', (r) =>
			r.url().endsWith('/models/default/weights.bin')
		);
		release();
		await arrived;
		await page.waitForTimeout(1000);
		await expect(stage.getByText(/38 symbols in its vocabulary/)).toBeVisible();
		const picked = await stage
			.getByTestId('model-picker')
			.evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.text);
		expect(picked).toMatch(/Keras model/);
		await expect(page.getByText('No trained or imported models yet.')).toHaveCount(0);
		expect(watch.consoleErrors).toEqual([]);
	});
});

import { mkdtempSync, readFileSync, readdirSync, copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { test, expect, axe } from './fixtures';
import { hasShared, repoRoot, shared } from '../shared';

/** Source of real songs: ../shared when present, else the demo corpus the app ships. */
function songSource(): { dir: string; files: string[] } {
	if (hasShared()) {
		const dir = shared('corpus/essen/deutschl/kinder');
		return { dir, files: readdirSync(dir).sort().slice(0, 25) };
	}
	const dir = join(repoRoot, 'static/demo/deutschl/kinder');
	return { dir, files: readdirSync(dir).sort() };
}

test('drops a folder and a zip, sees the summary and report, and finds both after a reload', async ({
	page,
	watch
}) => {
	const { dir, files } = songSource();
	const krn = files.filter((f) => f.endsWith('.krn'));
	// A folder with real songs, a non-kern file and a binary file renamed .krn.
	const tmp = mkdtempSync(join(tmpdir(), 'corpus-e2e-'));
	const folder = join(tmp, 'kinderlieder');
	mkdirSync(folder);
	for (const f of files) copyFileSync(join(dir, f), join(folder, f));
	const binary = new Uint8Array(256).map((_, i) => i);
	const { writeFileSync } = await import('node:fs');
	writeFileSync(join(folder, 'picture.krn'), binary);

	await page.goto('/');
	const stage = page.locator('#corpus');
	await stage.getByTestId('pick-folder').setInputFiles(folder);
	const summary = stage.getByRole('region', { name: /Summary of “kinderlieder”/ });
	await expect(summary).toBeVisible();
	const songs = Number(await summary.getByTestId('summary-songs').textContent());
	expect(songs).toBeGreaterThan(0);
	expect(songs).toBeLessThanOrEqual(krn.length);
	// Every file is in the report; the binary one is unreadable with a reason.
	await stage.getByLabel('Show').selectOption('unreadable');
	await expect(stage.getByText(/picture\.krn/)).toBeVisible();
	await expect(stage.getByText(/binary file/)).toBeVisible();
	await stage.getByLabel('Show').selectOption('all');
	await expect(stage.getByText(`all files (${files.length + 1})`)).toBeAttached();

	// A zip built from the same songs.
	const entries: Record<string, Uint8Array> = {};
	for (const f of krn.slice(0, 10)) entries[`zipped/${f}`] = new Uint8Array(readFileSync(join(dir, f)));
	const zip = zipSync(entries);
	await stage.getByTestId('pick-files').setInputFiles({
		name: 'songs.zip',
		mimeType: 'application/zip',
		buffer: Buffer.from(zip)
	});
	await expect(stage.getByRole('region', { name: /Summary of “songs”/ })).toBeVisible();
	await expect(stage.getByRole('img', { name: 'Pitch histogram' })).toBeVisible();
	expect(await axe(page)).toEqual([]);

	await page.reload();
	const stored = page.locator('#corpus').getByTestId('stored-corpus');
	await expect(stored).toHaveCount(2);
	await expect(stored.filter({ hasText: 'kinderlieder' })).toBeVisible();
	await expect(stored.filter({ hasText: 'songs' })).toHaveCount(2);
	// The newest is in use and its summary is shown again.
	await expect(page.locator('#corpus').getByRole('region', { name: /Summary of “songs”/ })).toBeVisible();

	// Rename, then delete one; both survive a reload.
	await page.getByRole('button', { name: 'Rename “kinderlieder”' }).click();
	await page.getByLabel('New name').fill('Kinder');
	await page.getByRole('button', { name: 'Save' }).click();
	await page.getByRole('button', { name: 'Delete “songs”' }).click();
	await page.getByRole('button', { name: 'Really delete “songs”' }).click();
	await page.reload();
	await expect(page.locator('#corpus').getByTestId('stored-corpus')).toHaveCount(1);
	await expect(page.locator('#corpus').getByTestId('stored-corpus')).toContainText('Kinder');
	rmSync(tmp, { recursive: true, force: true });
	expect(watch.consoleErrors).toEqual([]);
});

test('loads the demo corpus from the app itself, and the stage fits a phone screen', async ({
	page,
	watch
}) => {
	await page.setViewportSize({ width: 360, height: 740 });
	await page.goto('/');
	await page.getByRole('button', { name: 'Load demo corpus' }).click();
	const summary = page.getByRole('region', { name: /Summary of “Essen sample/ });
	await expect(summary).toBeVisible();
	const index = JSON.parse(readFileSync(join(repoRoot, 'static/demo/index.json'), 'utf8'));
	await expect(summary.getByTestId('summary-songs')).toHaveText(String(index.files.length));
	await expect(page.getByText(/all files \(\d+\)/)).toBeAttached();
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	expect(overflow).toBeLessThanOrEqual(0);
	expect(await axe(page)).toEqual([]);
	expect(watch.foreignRequests).toEqual([]);
});

test('the drop zone takes dropped files, and an empty drop is refused with a sentence', async ({
	page,
	watch
}) => {
	await page.goto('/');
	const dir = join(repoRoot, 'static/demo/deutschl/kinder');
	const songs = readdirSync(dir)
		.sort()
		.slice(0, 3)
		.map((name) => ({ name, text: readFileSync(join(dir, name), 'latin1') }));
	const zone = page.getByRole('group', { name: /Drop files or folders here/ });
	const empty = await page.evaluateHandle(() => new DataTransfer());
	await zone.dispatchEvent('drop', { dataTransfer: empty });
	await expect(page.getByRole('alert')).toContainText('Nothing to import');
	const dataTransfer = await page.evaluateHandle((files) => {
		const dt = new DataTransfer();
		for (const f of files) dt.items.add(new File([f.text], f.name, { type: 'text/plain' }));
		return dt;
	}, songs);
	await zone.dispatchEvent('dragover', { dataTransfer });
	await zone.dispatchEvent('drop', { dataTransfer });
	const summary = page.getByRole('region', { name: /Summary of “Deutschland, 3 songs”/ });
	await expect(summary).toBeVisible();
	await expect(summary.getByTestId('summary-songs')).toHaveText('3');
	expect(watch.consoleErrors).toEqual([]);
});

test('the same songs twice, by folder, by files or zipped, keep one corpus and say so, with a way to open it', async ({
	page,
	watch
}) => {
	const dir = join(repoRoot, 'static/demo/deutschl/kinder');
	const tmp = mkdtempSync(join(tmpdir(), 'corpus-dup-'));
	const folder = join(tmp, 'kinder');
	mkdirSync(folder);
	for (const f of readdirSync(dir)) copyFileSync(join(dir, f), join(folder, f));
	await page.goto('/');
	const stage = page.locator('#corpus');
	await stage.getByTestId('pick-folder').setInputFiles(folder);
	// Named after the folder; the focus goes to what was read.
	const summary = stage.getByRole('region', { name: /Summary of “kinder”/ });
	await expect(summary).toBeVisible();
	await expect(summary.getByRole('heading', { name: /Summary of “kinder”/ })).toBeFocused();
	await stage.getByTestId('pick-folder').setInputFiles(folder);
	await expect(stage.getByRole('status').filter({ hasText: /already stored as “kinder”/ })).toBeVisible();
	await expect(stage.getByTestId('stored-corpus')).toHaveCount(1);
	await stage.getByRole('button', { name: 'Open “kinder”' }).click();
	await expect(summary).toBeVisible();
	await page.reload();
	await expect(page.locator('#corpus').getByTestId('stored-corpus')).toHaveCount(1);
	// The same songs by other routes are the same corpus: picked as single files (in another order), and
	// zipped under another folder name. (The page was just loaded again: no sentence is left from before.)
	const files = readdirSync(folder).sort().reverse();
	await stage.getByTestId('pick-files').setInputFiles(files.map((f) => join(folder, f)));
	await expect(stage.getByRole('status').filter({ hasText: /already stored as “kinder”/ })).toBeVisible();
	// A fresh page each time, so the sentence seen is this import's, not the last one's.
	await page.reload();
	const zip = zipSync(Object.fromEntries(files.map((f) => [`songs/${f}`, readFileSync(join(folder, f))])));
	await stage.getByTestId('pick-files').setInputFiles({
		name: 'kinderlieder.zip',
		mimeType: 'application/zip',
		buffer: Buffer.from(zip)
	});
	await expect(stage.getByRole('status').filter({ hasText: /already stored as “kinder”/ })).toBeVisible();
	await page.reload();
	await expect(stage.getByTestId('stored-corpus')).toHaveCount(1);
	rmSync(tmp, { recursive: true, force: true });
	expect(watch.consoleErrors).toEqual([]);
});

/**
 * The score view and the sound: the time to engrave a 32-bar melody with Verovio (in Node, and in the
 * app's own score worker in headless Chromium, where the first render includes loading Verovio), and
 * the time from pressing Generate to the first note sounding (bundled model, app defaults, "Play when
 * generated" on), first on a fresh page and then again on the same page.
 * `SCORE_BENCH_RUNS` (default 5) sets the repeats.
 */
import createVerovioModule from 'verovio/wasm-hum';
import { VerovioToolkit, enableLogToBuffer } from 'verovio/esm';
import { engrave } from '../src/lib/score/engrave';
import { FIRST_SOUND_MARK } from '../src/lib/playback/schedule';
import { withAppWorker } from './app-worker';

const RUNS = Math.max(1, Number(process.env.SCORE_BENCH_RUNS ?? 5));
const PORT = 4189;

/** A 32-bar 4/4 melody with the note values, rests, ties and leaps a folk tune has. */
function melody32(): string[] {
	const bars = [
		'67 _ _ _ 72 _ _ _ 71 _ 69 _ 67 _ _ _',
		'69 _ _ _ 71 _ 72 _ 74 _ _ _ _ _ _ _',
		'_ _ _ _ 76 _ 74 _ 72 _ _ _ 71 _ _ _',
		'69 _ 67 _ 65 _ 64 _ 62 _ _ _ r _ _ _'
	].map((b) => b.split(' '));
	return Array.from({ length: 32 }, (_, i) => bars[i % bars.length]).flat();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => `${x.toFixed(0)} ms`;

async function node(symbols: string[]): Promise<void> {
	const t0 = performance.now();
	const module = await createVerovioModule();
	enableLogToBuffer(true, module);
	const toolkit = new VerovioToolkit(module);
	const load = performance.now() - t0;
	for (const width of [800, 360]) {
		const times: number[] = [];
		let notes = 0;
		for (let i = 0; i < RUNS; i++) {
			const s = performance.now();
			notes = engrave(toolkit, { symbols, meter: '4/4', width }).notes.length;
			times.push(performance.now() - s);
		}
		console.log(
			`node: 32 bars (${notes} notes) at ${width} px: ${ms(median(times))} median of ${RUNS} (Verovio load ${ms(load)})`
		);
	}
}

async function chromium(symbols: string[]): Promise<void> {
	const skipped = await withAppWorker('score/render', PORT, async ({ browser, origin, workerUrl }) => {
		const page = await browser.newPage();
		page.setDefaultTimeout(0);
		await page.goto(`${origin}/`);
		// One evaluate per render, no named functions inside: tsx would wrap them in a helper the page lacks.
		await page.evaluate((url) => {
			(globalThis as unknown as { scoreWorker: Worker }).scoreWorker = new Worker(url, { type: 'module' });
		}, workerUrl);
		let id = 0;
		const render = (width: number) =>
			page.evaluate(
				({ symbols, width, id }) =>
					new Promise<{ wall: number; notes: number }>((resolve, reject) => {
						const worker = (globalThis as unknown as { scoreWorker: Worker }).scoreWorker;
						const t0 = performance.now();
						worker.onmessage = (e) => {
							if (e.data.type === 'error') reject(new Error(e.data.message));
							else resolve({ wall: performance.now() - t0, notes: e.data.notes.length });
						};
						worker.postMessage({ type: 'score/render', id, input: { symbols, meter: '4/4', width } });
					}),
				{ symbols, width, id: `b${++id}` }
			);
		const first = await render(800);
		const warm: Record<number, number[]> = { 800: [], 360: [] };
		for (const width of [800, 360])
			for (let i = 0; i < RUNS; i++) warm[width].push((await render(width)).wall);
		await page.evaluate(() => (globalThis as unknown as { scoreWorker: Worker }).scoreWorker.terminate());
		const out = { first, warm };
		console.log(
			`chromium: first 32-bar score (${out.first.notes} notes), Verovio loaded in the worker: ${ms(out.first.wall)}`
		);
		for (const width of [800, 360])
			console.log(`chromium: 32 bars at ${width} px, warm: ${ms(median(out.warm[width]))} median of ${RUNS}`);
		await firstSound(page, origin);
		await page.close();
	});
	if (typeof skipped === 'string') console.log(skipped);
}

/** Presses Generate with "Play when generated" on and waits for the first note's performance mark. */
async function firstSound(page: import('playwright').Page, origin: string): Promise<void> {
	// Page code as text: the benches compile without the DOM's types.
	await page.addInitScript({
		content: `
			localStorage.setItem('folk-studio-sound', JSON.stringify({ autoplay: true }));
			document.addEventListener('click', (e) => {
				const b = e.target.closest('button');
				if (b && b.textContent.trim() === 'Generate') globalThis.pressed = performance.now();
			}, true);`
	});
	await page.goto(`${origin}/`);
	const stage = page.locator('#generate');
	await stage.getByText(/symbols in its vocabulary/).waitFor();
	const times: { sound: number; generate: number }[] = [];
	for (let i = 0; i < RUNS; i++) {
		await stage.getByLabel('Random seed').fill(String(100 + i));
		await page.evaluate((name) => performance.clearMarks(name), FIRST_SOUND_MARK);
		await stage.getByRole('button', { name: 'Generate', exact: true }).click();
		const sound = await page.waitForFunction(
			(name) => {
				const mark = performance.getEntriesByName(name)[0];
				return mark ? mark.startTime - (globalThis as unknown as { pressed: number }).pressed : null;
			},
			FIRST_SOUND_MARK,
			{ timeout: 120_000 }
		);
		const status = await stage
			.getByRole('status')
			.filter({ hasText: /Generated/ })
			.textContent();
		times.push({
			sound: (await sound.jsonValue()) as number,
			generate: Number(/in (\d+) ms/.exec(status ?? '')?.[1])
		});
		await stage.getByRole('button', { name: 'Stop' }).click();
	}
	const [first, ...rest] = times;
	console.log(
		`chromium: Generate → first sound (bundled model, app defaults): first press ${ms(first.sound)} (generation ${ms(first.generate)})` +
			(rest.length
				? `, then ${ms(median(rest.map((t) => t.sound)))} median of ${rest.length} (generation ${ms(median(rest.map((t) => t.generate)))})`
				: '')
	);
}

export default async function run(): Promise<void> {
	const symbols = melody32();
	await node(symbols);
	await chromium(symbols);
}

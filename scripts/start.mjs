// `npm start`: builds the app when the build is missing or older than its sources, then serves the
// production build (service worker included) on http://localhost:4173 (or $PORT).
import { existsSync, statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync, spawn } from 'node:child_process';

const vite = join('node_modules', 'vite', 'bin', 'vite.js');
const port = process.env.PORT ?? '4173';

function newest(path) {
	if (!existsSync(path)) return 0;
	const s = statSync(path);
	if (!s.isDirectory()) return s.mtimeMs;
	let t = 0;
	for (const e of readdirSync(path)) t = Math.max(t, newest(join(path, e)));
	return t;
}

const sources = ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'package.json', 'package-lock.json'];
const built = existsSync('build/index.html') ? statSync('build/index.html').mtimeMs : 0;
if (!existsSync('build/service-worker.js') || built < Math.max(...sources.map(newest))) {
	const r = spawnSync(process.execPath, [vite, 'build'], { stdio: 'inherit' });
	if (r.status !== 0) process.exit(r.status ?? 1);
}
const server = spawn(process.execPath, [vite, 'preview', '--port', port, '--strictPort'], {
	stdio: 'inherit'
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));

// Build if needed, then serve the production build on http://localhost:4173.
import { existsSync, statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync, spawn } from 'node:child_process';

function newest(dir) {
	let t = 0;
	for (const e of readdirSync(dir, { withFileTypes: true })) {
		const p = join(dir, e.name);
		t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
	}
	return t;
}

const built = existsSync('build/index.html') ? statSync('build/index.html').mtimeMs : 0;
if (built < Math.max(newest('src'), newest('static'))) {
	const r = spawnSync('npx', ['vite', 'build'], { stdio: 'inherit' });
	if (r.status !== 0) process.exit(r.status ?? 1);
}
const server = spawn('npx', ['vite', 'preview', '--port', '4173', '--strictPort'], { stdio: 'inherit' });
server.on('exit', (code) => process.exit(code ?? 0));

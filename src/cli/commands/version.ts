import type { Command } from '../command';
import { APP_NAME, VERSION } from '../../lib/version';

const version: Command = {
	summary: 'print the version',
	usage: 'npm run --silent cli -- version [--json]',
	options: {},
	async run(_values, _positionals, ctx) {
		ctx.print(ctx.json ? JSON.stringify({ name: APP_NAME, version: VERSION }) : `${APP_NAME} ${VERSION}`);
	}
};
export default version;

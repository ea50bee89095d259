import { sleep } from 'n8n-workflow';

/** Polls `condition` every 20 ms for up to `ms`; returns whether it came to hold. */
export async function until(condition: () => boolean, ms = 5000): Promise<boolean> {
	const deadline = Date.now() + ms;
	while (!condition() && Date.now() < deadline) await sleep(20);
	return condition();
}

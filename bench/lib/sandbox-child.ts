/* eslint-disable @n8n/community-nodes/no-restricted-globals -- benchmark tooling, never shipped: n8n runtime rules do not apply */
/**
 * The sandbox in a process of its own, driven over IPC (see remote.ts). Figures that measure the
 * client's CPU or memory use it, so the server's work is not counted against the node.
 */
import { startSandbox, type FaultRule } from '../../test/sandbox';

interface Command {
	id: number;
	cmd: string;
	args: unknown[];
}

void (async () => {
	const sandbox = await startSandbox({ host: '127.0.0.1' });
	const { server, dify } = sandbox;
	const documented = sandbox.flowgen.documented;
	const contracts = sandbox.flowgen;
	const handlers: Record<string, (...args: never[]) => unknown> = {
		info: () => ({
			url: sandbox.url,
			difyBaseUrl: sandbox.difyBaseUrl,
			flowgenBaseUrl: documented.baseUrl,
			flowgenBaseUrls: {
				documented: contracts.documented.baseUrl,
				oss: contracts.oss.baseUrl,
				agentok: contracts.agentok.baseUrl,
			},
		}),
		reset: () => {
			dify.reset();
			dify.resetKnobs();
			dify.setPingInterval(0);
			contracts.documented.reset();
			contracts.oss.reset();
			contracts.agentok.reset();
			server.faults.clear();
			server.clearRequests();
		},
		clearRequests: () => server.clearRequests(),
		/** Requests since the last clear, as `METHOD route` strings. */
		requests: () => server.requests.map((r) => `${r.method} ${r.route}`),
		addFault: (rule: FaultRule) => server.faults.add(rule),
		clearFaults: () => server.faults.clear(),
		setStreamDelay: (ms: number) => dify.setStreamDelay(ms),
		seedChats: (n: number) => documented.seedChats(n).map((c) => c.id),
		/** Chats on one of the three contracts (documented, oss, agentok). */
		seedChatsOn: (contract: keyof typeof contracts, n: number) =>
			contracts[contract].seedChats(n).map((c) => c.id),
		deleteChats: (ids: string[]) => ids.forEach((id) => documented.deleteChat(id)),
		setStatus: (id: string, status: string) => documented.setStatus(id, status),
		cpu: () => process.cpuUsage(),
	};
	process.on('message', (message: Command) => {
		void (async () => {
			try {
				const handler = handlers[message.cmd];
				if (!handler) throw new Error(`unknown command ${message.cmd}`);
				const result = await (handler as (...a: unknown[]) => unknown)(...message.args);
				process.send?.({ id: message.id, result });
			} catch (error) {
				process.send?.({ id: message.id, error: (error as Error).message });
			}
		})();
	});
	process.on('disconnect', () => {
		void sandbox.close().finally(() => process.exit(0));
	});
	process.send?.({ ready: true });
})();

/**
 * The sandbox services: Dify (under `/v1`) and FlowGen in both contracts (documented under
 * `/flowgen`, the open-source v0.9 server under `/flowgen-oss`, Agentok under `/agentok/v1`) on one
 * loopback server.
 */
import { SandboxServer, type FaultRule, type RequestContext, Router } from './core';
import { createDify, type DifySandbox } from './dify';
import { createFlowGen, type FlowGenSandbox } from './flowgen';

export * from './core';
export { DIFY_KEYS } from './dify';
export { AGENTOK_KEYS, FLOWGEN_KEYS } from './flowgen';

export interface Sandbox {
	server: SandboxServer;
	url: string;
	/** Base URL for the Dify credential, e.g. `http://127.0.0.1:1234/v1`. */
	difyBaseUrl: string;
	dify: DifySandbox;
	flowgen: { documented: FlowGenSandbox; oss: FlowGenSandbox; agentok: FlowGenSandbox };
	close(): Promise<void>;
}

export interface StartSandboxOptions {
	port?: number;
	host?: string;
}

export async function startSandbox(options: StartSandboxOptions = {}): Promise<Sandbox> {
	const server = new SandboxServer();
	const dify = createDify(server, '/v1');
	const documented = createFlowGen(server, { contract: 'documented', mount: '/flowgen' });
	const oss = createFlowGen(server, { contract: 'oss', mount: '/flowgen-oss' });
	const agentok = createFlowGen(server, { contract: 'agentok', mount: '/agentok/v1' });
	registerAdmin(server, () => {
		dify.reset();
		documented.reset();
		oss.reset();
		agentok.reset();
	});
	const url = await server.listen(options);
	documented.baseUrl = `${url}/flowgen`;
	oss.baseUrl = `${url}/flowgen-oss`;
	agentok.baseUrl = `${url}/agentok/v1`;
	return {
		server,
		url,
		difyBaseUrl: `${url}/v1`,
		dify,
		flowgen: { documented, oss, agentok },
		close: () => server.close(),
	};
}

/**
 * `/__sandbox/*`: the same controls over HTTP, for the standalone sandbox and real-n8n tests.
 * POST /__sandbox/faults {rule} -> {id}; DELETE /__sandbox/faults; GET /__sandbox/requests;
 * DELETE /__sandbox/requests; POST /__sandbox/reset.
 */
function registerAdmin(server: SandboxServer, resetState: () => void): void {
	const router = new Router('admin', '/__sandbox');
	const ok = (ctx: RequestContext, body: unknown = { ok: true }) => ctx.json(200, body);
	router
		.on('POST', '/faults', (ctx) => {
			const rule = ctx.log.body as FaultRule & { match?: { route?: string } };
			ok(ctx, { id: server.faults.add(rule) });
		})
		.on('DELETE', '/faults', (ctx) => {
			server.faults.clear();
			ok(ctx);
		})
		.on('GET', '/requests', (ctx) =>
			ok(
				ctx,
				server.requests
					.filter((r) => r.service !== 'admin')
					.map((r) => ({ ...r, rawBody: undefined })),
			),
		)
		.on('DELETE', '/requests', (ctx) => {
			server.clearRequests();
			ok(ctx);
		})
		.on('POST', '/reset', (ctx) => {
			server.faults.clear();
			server.clearRequests();
			resetState();
			ok(ctx);
		});
	server.register({
		router,
		keyOf: () => undefined,
		errorBody: (status) => ({ status }),
		notFound: (ctx) => ctx.json(404, { error: 'unknown sandbox control' }),
		methodNotAllowed: (ctx) => ctx.json(405, { error: 'method not allowed' }),
	});
}

import type { HttpContext } from './http';

/**
 * A context for clean-up requests after the execution was cancelled (e.g. asking the service to
 * stop a task). n8n's `httpRequestWithAuthentication` attaches the execution's cancel signal to
 * every request whose `this` has `getExecutionCancelSignal`; once cancelled, that signal is
 * already aborted and would kill the clean-up request before it leaves. This object offers what
 * the request helpers use (node, credentials, helpers) and deliberately nothing else.
 */
export type DetachedContext = Omit<HttpContext, 'getExecutionCancelSignal'>;

export function detachedFromCancel(ctx: HttpContext): DetachedContext {
	return {
		getNode: () => ctx.getNode(),
		getCredentials: ctx.getCredentials.bind(ctx) as HttpContext['getCredentials'],
		helpers: ctx.helpers,
	};
}

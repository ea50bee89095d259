import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * A context for clean-up requests after the execution was cancelled (e.g. asking the service to
 * stop a task). n8n's `httpRequestWithAuthentication` attaches the execution's cancel signal to
 * every request whose `this` has `getExecutionCancelSignal`; once cancelled, that signal is
 * already aborted and would kill the clean-up request before it leaves. This object offers what
 * the request helpers use (node, credentials, helpers, logger) and deliberately nothing else.
 */
export type DetachedContext = Pick<IExecuteFunctions, 'getNode' | 'getCredentials' | 'helpers' | 'logger'>;

export function detachedFromCancel(ctx: IExecuteFunctions): DetachedContext {
	return {
		getNode: () => ctx.getNode(),
		getCredentials: ctx.getCredentials.bind(ctx) as IExecuteFunctions['getCredentials'],
		helpers: ctx.helpers,
		logger: ctx.logger,
	};
}

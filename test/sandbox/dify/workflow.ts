/**
 * Workflow app routes (filled in the next step).
 */
import type { Router } from '../core';
import type { Env } from './http';

export function registerWorkflows(router: Router, env: Env): void {
	void router;
	void env;
}

/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- benchmark tooling, never shipped: n8n runtime rules do not apply */
/**
 * Statistics and result shapes shared by the benchmark figures. Every figure reports medians and
 * spreads over repetitions, and compares variants run interleaved (A B A B ... in alternating order)
 * so that machine noise hits both sides alike.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

export type Op = '<=' | '>=' | '<';

export interface Target {
	op: Op;
	value: number;
	/** How the target reads in the table, e.g. "<= 1.25x raw loop". */
	label: string;
}

export interface Metric {
	name: string;
	unit: string;
	samples: number[];
	target?: Target;
	/** Informational rows (no target) are shown but never fail. */
	note?: string;
}

export interface Figure {
	id: number;
	title: string;
	/** What was run: sizes, repetitions, concurrency. */
	setup: string[];
	metrics: Metric[];
	/** Findings, causes of misses and what would close them. */
	notes: string[];
	/** Set when the figure could not run here (e.g. real n8n missing). */
	skipped?: string;
	/** Wall time of the figure itself (ms). */
	elapsedMs?: number;
}

export interface FigureOptions {
	smoke: boolean;
	/** Repetitions (smoke: 1). */
	reps: number;
	log(line: string): void;
}

export function median(values: number[]): number {
	if (values.length === 0) return Number.NaN;
	const s = [...values].sort((a, b) => a - b);
	const mid = s.length >> 1;
	return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function quantile(values: number[], q: number): number {
	if (values.length === 0) return Number.NaN;
	const s = [...values].sort((a, b) => a - b);
	const pos = (s.length - 1) * q;
	const lo = Math.floor(pos);
	const hi = Math.ceil(pos);
	return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

export function minMax(values: number[]): [number, number] {
	let lo = Number.POSITIVE_INFINITY;
	let hi = Number.NEGATIVE_INFINITY;
	for (const v of values) {
		if (v < lo) lo = v;
		if (v > hi) hi = v;
	}
	return [lo, hi];
}

export function met(metric: Metric): boolean | undefined {
	if (!metric.target) return undefined;
	const m = median(metric.samples);
	const { op, value } = metric.target;
	if (op === '<=') return m <= value;
	if (op === '<') return m < value;
	return m >= value;
}

/**
 * Runs `variants` `reps` times, interleaved: each repetition runs every variant once, in an order
 * that alternates (forward, then backward) so neither side always runs first on a warm machine.
 * Returns the samples of each variant, by name, in repetition order.
 */
export async function interleave<T extends string>(
	reps: number,
	variants: Record<T, () => Promise<number>>,
	onSample?: (name: T, rep: number, value: number) => void,
): Promise<Record<T, number[]>> {
	const names = Object.keys(variants) as T[];
	const out = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<T, number[]>;
	for (let rep = 0; rep < reps; rep++) {
		const order = rep % 2 === 0 ? names : [...names].reverse();
		for (const name of order) {
			const value = await variants[name]();
			out[name].push(value);
			onSample?.(name, rep, value);
		}
	}
	return out;
}

/** Per-repetition ratios a[i] / b[i] (paired, so both sides of one ratio saw the same machine). */
export function ratios(a: number[], b: number[]): number[] {
	return a.map((v, i) => v / b[i]);
}

export function fmt(value: number, unit = ''): string {
	if (!Number.isFinite(value)) return String(value);
	const abs = Math.abs(value);
	const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
	return `${value.toFixed(digits)}${unit}`;
}

/** The monotonic clock in ms. */
export function now(): number {
	return performance.now();
}

let gcFn: (() => void) | undefined;

/** A full garbage collection between samples (works without --expose-gc: the flag is set at run time). */
export function collectGarbage(): void {
	if (!gcFn) {
		v8.setFlagsFromString('--expose-gc');
		gcFn = vm.runInNewContext('gc') as () => void;
	}
	gcFn();
}

/**
 * A full collection, then a pause for V8's helper threads to finish sweeping, so that what is
 * timed next does not share the machine with the collection it did not cause.
 */
export async function settledGc(pauseMs = 50): Promise<void> {
	collectGarbage();
	await new Promise((resolve) => setTimeout(resolve, pauseMs));
}

/**
 * What the stack-limit check costs per app (issue 17): the reference topology is synthesized once, then, for all its
 * stacks, the check's figures are taken 21 times each way and the medians printed: counting resources and outputs in
 * the construct tree with the size estimate (what the check does now on every stack), and rendering every template
 * in full (what it did before on every stack, and does now only near a limit).
 *
 * Usage: npx ts-node --transpile-only --project test/tsconfig.json scripts/bench-stack-check.ts
 */
import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { buildReferenceTopology, MAIN_JOB_OPTIONS } from '../examples/reference-topology';
import { renderedTemplateBytes, roughTemplateBytes, stackElements } from '../src/private/stack-limits';

const RUNS = 21;
const context = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.context.json'), 'utf-8'));
const { app } = buildReferenceTopology({ ...MAIN_JOB_OPTIONS, context });
app.synth();
const stacks = app.node.findAll().filter((c): c is Stack => Stack.isStack(c));

function median(run: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    run();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
}

const counted = median(() => stacks.forEach((s) => roughTemplateBytes(stackElements(s))));
const rendered = median(() => stacks.forEach((s) => renderedTemplateBytes(s)));
console.log(`reference topology, ${stacks.length} stacks, per app, median of ${RUNS}:`);
console.log(`  count + size estimate (every stack, now):        ${counted.toFixed(1)} ms`);
console.log(`  full render (before on every stack; now near a limit only): ${rendered.toFixed(1)} ms`);

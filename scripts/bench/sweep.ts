/** Benchmark app: one row of the scale sweep (arguments: `{ devices, azs }`), see scenario.ts. */
import { runBench } from './harness';
import { SWEEP_SCENARIO, scenarioApp } from './scenario';

runBench('ours', ({ args, outdir, context }) => scenarioApp(Number(args.devices), { ...SWEEP_SCENARIO, azs: Number(args.azs) }, outdir, context));

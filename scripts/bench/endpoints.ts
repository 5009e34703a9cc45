/** Benchmark app: one row of the per-endpoint check (arguments: `{ endpoints }`), see scenario.ts. */
import { runBench } from './harness';
import { endpointsApp } from './scenario';

runBench('ours', ({ args, outdir, context }) => endpointsApp(Number(args.endpoints), outdir, context));

/**
 * Benchmark app: the reference topology of the main job (examples/reference-topology.ts, MAIN_JOB_OPTIONS), with the
 * compiled library (the build of this bundle maps the example's `../src` to the copy in .build/bench/).
 */
import { runBench } from './harness';
import { buildReferenceTopology, MAIN_JOB_OPTIONS } from '../../examples/reference-topology';

runBench('ours', ({ outdir, context }) => ({ app: buildReferenceTopology({ ...MAIN_JOB_OPTIONS, outdir, context }).app }));

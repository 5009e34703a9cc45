/**
 * Mutation testing of the core files (issue 14): Stryker 9 with the jest runner, one source file at a time against the
 * test files that exercise it (all tests import the package index, so "related tests" would be every test). Prints
 * the score per file and writes reports/mutation/<file>.json.
 *
 * Usage: npx projen mutation [--incremental] [src/... ...]   (default: every core file; slow: up to an hour per file
 *        on 2 cores; STRYKER_CONCURRENCY=1 to leave a core free). Prints a progress line every few seconds.
 * --incremental: Stryker's incremental mode, seeded with the file's last report (reports/mutation/<file>.json): only
 *        mutants whose code or covering tests changed since that report are run again, the rest keep their result.
 *        Stryker sees changes in the mutated file and in the test files only, so use it after adding tests, not after
 *        changing other source files (then run without it).
 * Goals (issue 14): >= 90% for src/private/validation.ts, src/dns, src/policy, src/endpoint; >= 80% elsewhere.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** Each core file and the tests that exercise it. */
const CORE: Record<string, string[]> = {
  'src/private/formats.ts': ['test/formats.test.ts', 'test/validation.test.ts'],
  'src/private/validation.ts': ['test/validation.test.ts', 'test/formats.test.ts'],
  'src/dns/iot-private-hosted-zone.ts': ['test/iot-private-hosted-zone.test.ts'],
  'src/policy/vpce-only-iot-policy.ts': ['test/vpce-only-iot-policy.test.ts'],
  'src/private/policy-network.ts': ['test/vpce-only-iot-policy.test.ts', 'test/greengrass-core-iot-policy.test.ts', 'test/iot-grants.test.ts'],
  // the client-id and topic rules of VpceOnlyIotPolicy, which the endpoint's grant methods apply too
  'src/private/iot-policy-rules.ts': ['test/vpce-only-iot-policy.test.ts', 'test/iot-grants.test.ts'],
  'src/private/iot-grants.ts': ['test/iot-grants.test.ts'],
  // the deployed-size estimate of policy documents (IoT policies; the lookup role's inline policies)
  'src/private/policy-size.ts': ['test/vpce-only-iot-policy.test.ts', 'test/stack-limits.test.ts'],
  // the quota across the VPC (stack-limits), the availability-zone lookups of a first synthesis (two-pass-synthesis) and
  // consumer endpoints of a provider's service (cross-account-sharing) are tested where they matter to users
  'src/endpoint/private-iot-data-endpoint.ts': ['test/private-iot-data-endpoint.test.ts', 'test/private-iot-data-endpoint-details.test.ts', 'test/stack-limits.test.ts', 'test/two-pass-synthesis.test.ts',
    'test/cross-account-sharing.test.ts'],
  'src/endpoint/iot-vpc-endpoint-aws-service.ts': ['test/private-iot-data-endpoint.test.ts', 'test/cross-account-sharing.test.ts'],
};

const root = path.join(__dirname, '..');
const args = process.argv.slice(2);
const incremental = args.includes('--incremental');
const named = args.filter((a) => a !== '--incremental');
const files = named.length > 0 ? named : Object.keys(CORE);
const base = JSON.parse(fs.readFileSync(path.join(root, 'stryker.config.json'), 'utf-8'));
const results: Array<{ file: string; score?: number; killed: number; survived: number; noCoverage: number; timeout: number; total: number }> = [];

for (const file of files) {
  const tests = (CORE[file] ?? []).filter((t) => fs.existsSync(path.join(root, t)));
  if (tests.length === 0) {
    console.error(`${file}: no test files mapped (scripts/mutation.ts CORE); skipped`);
    process.exitCode = 2;
    continue;
  }
  const report = `reports/mutation/${file.replace(/[/.]/g, '_')}.json`;
  const config = {
    ...base,
    mutate: [file],
    jest: { ...base.jest, enableFindRelatedTests: false, config: { ...base.jest.config, testMatch: tests.map((t) => `<rootDir>/${t}`) } },
    jsonReporter: { fileName: report },
    reporters: ['clear-text', 'json', 'progress-append-only'],
    // The last report is the incremental file (the same mutation-testing-report schema); Stryker rewrites it.
    incremental,
    incrementalFile: report,
    // One sandbox directory per file, so runs for different files can go on side by side.
    tempDirName: `.stryker-tmp/${path.basename(file, '.ts')}`,
    concurrency: Number(process.env.STRYKER_CONCURRENCY ?? base.concurrency),
  };
  const configFile = path.join(root, '.stryker-tmp', 'config', `${path.basename(file)}.json`);
  fs.mkdirSync(path.dirname(configFile), { recursive: true });
  fs.writeFileSync(configFile, JSON.stringify(config, undefined, 2));
  console.log(`== ${file} against ${tests.join(', ')}`);
  const run = spawnSync('npx', ['stryker', 'run', configFile], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0 || !fs.existsSync(path.join(root, report))) {
    console.error(`${file}: stryker failed (exit ${run.status})`);
    process.exitCode = 1;
    continue;
  }
  const mutants = Object.values<any>(JSON.parse(fs.readFileSync(path.join(root, report), 'utf-8')).files).flatMap((f) => f.mutants);
  const count = (status: string) => mutants.filter((m) => m.status === status).length;
  const killed = count('Killed');
  const timeout = count('Timeout');
  const survived = count('Survived');
  const noCoverage = count('NoCoverage');
  const valid = killed + timeout + survived + noCoverage;
  results.push({ file, killed, timeout, survived, noCoverage, total: mutants.length, score: valid ? (100 * (killed + timeout)) / valid : undefined });
}

console.log('\nmutation score per file (killed + timeout) / (killed + timeout + survived + no coverage):');
for (const r of results) {
  console.log(`  ${r.score === undefined ? '  -  ' : `${r.score.toFixed(1).padStart(5)}%`}  ${r.file}  (${r.killed} killed, ${r.timeout} timeout, `
    + `${r.survived} survived, ${r.noCoverage} no coverage, ${r.total} mutants)`);
}

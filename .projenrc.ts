import { awscdk, javascript, JsonFile } from 'projen';

// aws-cdk-lib 2.258+ writes cloud-assembly schema 54, which @aws-cdk/integ-runner 2.197.x cannot read.
// The dev copy is pinned to the newest release integ-runner accepts; users may run any newer 2.x.
const CDK_VERSION = '2.257.0';
// The peer-dependency floor: the oldest releases that provide everything src/ uses. aws-cdk-lib 2.211.0 added
// InterfaceVpcEndpoint's serviceRegion (cross-region PrivateLink, private-iot-data-endpoint.ts); 2.210 lacks it. The
// constructs floor is aws-cdk-lib 2.211.0's own peer requirement.
// `npx projen test:floor` (part of `package`) installs exactly these in an empty app with the packed library, compiles
// the examples and the README snippets and synthesizes the examples.
const CDK_FLOOR = '2.211.0';
const CONSTRUCTS_FLOOR = '10.0.0';
// Newest @aws-cdk/integ-tests-alpha on the registry (peer aws-cdk-lib ^2.245.0, satisfied by the pin above).
const INTEG_TESTS_ALPHA_VERSION = '2.245.0-alpha.0';
const INTEG_RUNNER_VERSION = '2.197.10';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-private-iot',
  description: 'AWS CDK constructs that connect IoT devices to AWS IoT Core over private networks: interface VPC endpoints, private hosted zones named after the ATS endpoint, and VPC-endpoint-only IoT policies.',
  author: 'cdk-private-iot maintainers',
  authorAddress: 'maintainers@cdk-private-iot.invalid',
  license: 'Apache-2.0',
  repositoryUrl: 'https://github.com/cdk-private-iot/cdk-private-iot.git',
  keywords: ['cdk', 'aws-cdk', 'iot', 'aws-iot-core', 'privatelink', 'vpc-endpoint', 'mqtt', 'route53'],
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  // peerDependencies: aws-cdk-lib ^CDK_FLOOR, constructs ^CONSTRUCTS_FLOOR. projen would pin the devDependencies to
  // the floor; they stay at CDK_VERSION and constructs 10.5.1 (added below the constructor).
  cdkVersion: CDK_FLOOR,
  constructsVersion: CONSTRUCTS_FLOOR,
  peerDependencyOptions: { pinnedDevDependency: false },
  jsiiVersion: '~6.0.0',

  // Our CI is .ci/run (see README); no hosted workflows, no release pipeline from this machine.
  github: false,
  release: false,
  depsUpgrade: false,
  integrationTestAutoDiscover: false,
  // src/probe/canary.lambda.ts is bundled with esbuild into assets/ (below); no Lambda L2 wrapper is generated: the
  // canary stages its code without aws-cdk-lib's s3-assets (src/private/staged-directory-code.ts).
  lambdaAutoDiscover: false,
  bin: { 'cdk-private-iot': 'lib/probe/cli.js' },

  publishToPypi: { distName: 'cdk-private-iot', module: 'cdk_private_iot' },
  publishToMaven: {
    javaPackage: 'io.github.cdkprivateiot',
    mavenGroupId: 'io.github.cdkprivateiot',
    mavenArtifactId: 'cdk-private-iot',
  },
  publishToNuget: { dotNetNamespace: 'CdkPrivateIot', packageId: 'CdkPrivateIot' },
  publishToGo: { moduleName: 'github.com/cdk-private-iot/cdk-private-iot-go' },

  // The connectivity probe (src/probe) uses mqtt.js; it ships inside our package (jsii needs bundled dependencies).
  bundledDeps: ['mqtt@^5'],
  devDeps: [
    // a real MQTT broker in-process for the probe's tests (the last CommonJS line of aedes)
    'aedes@~0.51.3',
    `@aws-cdk/integ-runner@${INTEG_RUNNER_VERSION}`,
    `@aws-cdk/integ-tests-alpha@${INTEG_TESTS_ALPHA_VERSION}`,
    'cdk-nag@^3',
    // tests run aws-cdk-lib's AwsCustomResource handler against mocked AWS SDK v3 clients
    '@aws-sdk/client-route-53@^3',
    '@aws-sdk/client-direct-connect@^3',
    'aws-sdk-client-mock@^4',
    // property-based tests: random valid and invalid configurations of every construct
    'fast-check@^4',
    // AWS's Guard rules (Control Tower proactive controls) over every synthesized template, offline
    '@cdklabs/cdk-validator-cfnguard@^0.0.62',
    // mutation testing (`npx projen mutation`): Stryker 9.x runs on Node 20 (10.x needs Node 22)
    '@stryker-mutator/core@~9.6.1',
    '@stryker-mutator/jest-runner@~9.6.1',
    '@types/node@^20',
    'typescript@~5.9.0',
  ],

  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    // One worker per core (jest's default leaves one core idle: 1 worker on the 2-core CI). Measured back to back on the
    // 2-core machine, 2026-11-30: the whole suite in 199 s with 2 workers, 399 s with 1 (README, "Development").
    extraCliOptions: ['--json', '--outputFile=test-reports/jest-results.json', '--maxWorkers=100%'],
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      coverageReporters: ['text-summary', 'json-summary'],
      snapshotSerializers: ['<rootDir>/test/serializers/asset-hash-serializer.js'],
      // with CDK_PRIVATE_IOT_TEMPLATES set (the test task does), every synthesized template is kept for lint:templates
      setupFilesAfterEnv: ['<rootDir>/test/setup/capture-templates.ts'],
    },
  },
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'integ', 'scripts', 'examples', 'projenrc'],
    ignorePatterns: ['*.js', '*.d.ts', 'node_modules/', '*.generated.ts', 'coverage', '*.snapshot/**', 'cdk.out*/**'],
  },
  tsconfigDev: {
    include: ['../src/**/*.ts', '../integ/**/*.ts', '../scripts/**/*.ts', '../examples/**/*.ts'],
    exclude: ['../integ/**/*.snapshot/**'],
    compilerOptions: {},
  },
  gitignore: ['/.stryker-tmp/', '/reports/mutation/', '/.build/', 'cdk.out', 'cdk.out.*', '/integ/**/cdk-integ.out.*', '/dist/', '/.jsii.tabl.json', '/rosetta/*.tabl.json'],
  sampleCode: false,
});

// jsii 6 warns on Node 20 (end of life); the machines we build on run Node 20.
project.tasks.addEnvironment('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');

// The dev copies stay at the pin (the peer floor is CDK_FLOOR / CONSTRUCTS_FLOOR, see the constructor).
// jsii would warn that the dev copies differ from the peer floor: that is the point (integ-runner needs the pin, and
// test:floor proves the floor), so that one warning is silenced.
project.compileTask.reset('jsii --silence-warnings=reserved-word --silence-warnings=metadata/missing-dev-dependency');
// The package index loads each area of the library on first use (issue 17, part 3): see scripts/lazify-index.ts.
project.compileTask.exec('ts-node --transpile-only --project test/tsconfig.json scripts/lazify-index.ts lib');
project.addDevDeps(`aws-cdk-lib@${CDK_VERSION}`, 'constructs@10.5.1');

// The connectivity canary's handler (src/probe/canary.lambda.ts, mqtt.js included): IotConnectivityCanary stages
// assets/probe/canary.lambda/ as its Lambda code. The AWS SDK v3 stays external: the Lambda Node.js runtime ships it.
project.bundler.addBundle('src/probe/canary.lambda.ts', {
  platform: 'node',
  target: 'node24',
  externals: ['@aws-sdk/*'],
  tsconfigPath: 'test/tsconfig.json',
  watchTask: false,
});

// The deployment-time lookup function's handler (src/private/lookup-handler.ts, not *.lambda.ts: no Lambda L2 wrapper
// is generated for it): IotLookups inlines the minified bundle into each template as Code.ZipFile, so nothing is staged.
// The AWS SDK v3 clients stay external: the Lambda Node.js runtime ships them.
project.bundler.addBundle('src/private/lookup-handler.ts', {
  platform: 'node',
  target: 'node20',
  minify: true,
  externals: ['@aws-sdk/*'],
  tsconfigPath: 'test/tsconfig.json',
  watchTask: false,
});

// --- Example app: the README's main job -------------------------------------------------------
// The main job runs compiled JavaScript: esbuild bundles the script with the library's sources (packages stay external)
// into .build/main/, two levels below the root, so the canary's asset path (src/probe/canary-function.ts) still resolves.
// It builds what it needs (the canary bundle), so it works on a fresh clone right after `npm ci`.
const mainJob = project.addTask('synth:reference', {
  description: 'Synthesize the multi-account reference topology offline and print a summary (the README\'s main job)',
});
mainJob.spawn(project.tasks.tryFind('bundle')!);
mainJob.exec('esbuild scripts/synth-reference.ts --bundle --platform=node --target=node20 --packages=external --log-level=warning --outfile=.build/main/synth-reference.js');
mainJob.exec('node .build/main/synth-reference.js', { receiveArgs: true });
project.addTask('docs:architecture', {
  description: 'Redraw docs/architecture.{dot,svg} from the synthesized reference topology (needs Graphviz for the SVG)',
  steps: [
    { spawn: 'synth:reference' },
    { exec: 'ts-node --transpile-only --project test/tsconfig.json scripts/architecture.ts cdk.out.reference' },
  ],
});
project.addTask('bench', {
  description: 'Synthesis benchmarks (overhead and scale sweep); writes docs/benchmarks.md',
  exec: 'ts-node --transpile-only --project test/tsconfig.json scripts/bench.ts --out docs/benchmarks.md',
  receiveArgs: true,
});
project.addTask('bench:import', {
  description: 'What importing the compiled library costs, eager index against the lazy one (needs lib/: npx projen compile)',
  exec: 'ts-node --transpile-only --project test/tsconfig.json scripts/bench-import.ts',
  receiveArgs: true,
});
project.addTask('bench:main-job', {
  description: 'Wall time of the main job: first run through projen, the compiled script alone, and ts-node for comparison',
  exec: 'ts-node --transpile-only --project test/tsconfig.json scripts/bench-main-job.ts',
  receiveArgs: true,
});
// Mutation testing of the core files (issue 14): Stryker 9 with the jest runner, related tests only. Too slow for CI on
// 2 cores; run it by hand: `npx projen mutation` (every core file) or `npx projen mutation src/dns/iot-private-hosted-zone.ts`.
project.addTask('mutation', {
  description: 'Mutation testing (Stryker) of the core files, or of the files given with --mutate; prints the score per file',
  exec: 'ts-node --transpile-only --project test/tsconfig.json scripts/mutation.ts',
  receiveArgs: true,
});
project.addTask('synth:example', {
  description: 'Synthesize the example app offline and print a summary of what was built',
  exec: 'ts-node --transpile-only --project test/tsconfig.json scripts/synth-example.ts',
});

// --- Integration tests (integ-runner snapshots, checked offline) -------------------------------
const integEnv = { TS_NODE_TRANSPILE_ONLY: '1', TS_NODE_PROJECT: 'test/tsconfig.json' };
const integ = project.addTask('integ', {
  description: 'Check every integ/integ.*.ts against its committed snapshot (offline, no deployment)',
  env: integEnv,
  exec: 'integ-runner --language typescript --directory integ --parallel-regions us-east-1',
});
project.addTask('integ:update', {
  description: 'Refresh the integ snapshots offline (synthesizes only; deploy with integ-runner against a sandbox account to verify)',
  env: integEnv,
  exec: 'integ-runner --language typescript --directory integ --parallel-regions us-east-1 --update-on-failed --dry-run',
});

// --- README examples must compile ---------------------------------------------------------------
const rosetta = project.addTask('rosetta:extract', {
  description: 'Compile every TypeScript example in README.md and the API docs (strict)',
  exec: 'jsii-rosetta extract --strict',
});
project.postCompileTask.spawn(rosetta);

// --- Other languages: generate sources only (their registries are out of reach here) -----------
const codegen = project.addTask('codegen', {
  description: 'Generate Python, Java, .NET and Go sources with jsii-pacmak (code only; fails if generation fails)',
  exec: 'jsii-pacmak --code-only --target python --target java --target dotnet --target go --outdir dist/codegen',
});

// --- The peer-dependency floor works: an empty app on aws-cdk-lib CDK_FLOOR installs the packed library -----------
const floor = project.addTask('test:floor', {
  description: `An empty app with exactly aws-cdk-lib ${CDK_FLOOR} and constructs ${CONSTRUCTS_FLOOR} installs dist/js/*.tgz, compiles the examples and README snippets, synthesizes the examples`,
  exec: 'ts-node --transpile-only --project test/tsconfig.json scripts/check-floor.ts',
  receiveArgs: true,
});

// --- Packaging: a lean npm package (issue 11) -----------------------------------------------------------------
// An allow-list of what the npm package ships (npm adds package.json, README.md and LICENSE anyway; bundled
// dependencies follow their own package.json). package:js then prunes the bundled mqtt tree inside the tarball (type
// declarations, source maps, docs, tests, mqtt's browser builds), and package:check installs the tarball without peer
// dependencies into an empty folder and runs the CLI there (both in scripts/check-package.ts).
project.package.addField('files', ['lib/**/*.js', 'lib/**/*.d.ts', '.jsii', '.jsii.tabl.json', 'assets/', 'API.md', 'README.md', 'LICENSE']);
const packageScript = 'ts-node --transpile-only --project test/tsconfig.json scripts/check-package.ts';
project.tasks.tryFind('package:js')!.exec(`${packageScript} prune`, { name: 'prune the bundled dependencies inside dist/js/*.tgz' });
const packageCheck = project.addTask('package:check', {
  description: 'Check dist/js/*.tgz: contents and sizes, install without peer dependencies, run the probe CLI from it (loopback only)',
  exec: `${packageScript} check`,
});
// --- end of packaging --------------------------------------------------------------------------------------------

// Only the JS package is built here; the other languages are generated, not packaged.
const pkg = project.tasks.tryFind('package')!;
pkg.reset();
pkg.spawn(project.tasks.tryFind('package:js')!);
pkg.spawn(packageCheck); // packaging block above
pkg.spawn(floor);
pkg.spawn(codegen);

// Test = unit tests (jest --ci) + lint (already spawned by projen) + integ snapshot check + AWS's template checks.
project.testTask.spawn(integ);
// jest keeps every template it synthesizes (test/setup/capture-templates.ts); lint:templates runs cfn-lint and the
// Control Tower Guard rules over them and over the integ snapshots.
const TEMPLATES_DIR = 'test-reports/templates';
project.testTask.env('CDK_PRIVATE_IOT_TEMPLATES', TEMPLATES_DIR);
project.testTask.prependExec(`rm -rf ${TEMPLATES_DIR}`);
// ts-jest transpiles each file alone (isolatedModules): the type check of tests, scripts, examples and integ apps is here.
project.testTask.prependExec('tsc -p test/tsconfig.json', { name: 'type-check tests, scripts, examples and integ apps' });
const lintTemplates = project.addTask('lint:templates', {
  description: 'cfn-lint (no error, no W3037) and Guard (every finding fixed or acknowledged) over the templates the tests synthesized and the integ snapshots',
  exec: `ts-node --transpile-only --project test/tsconfig.json scripts/lint-templates.ts ${TEMPLATES_DIR}`,
});
project.testTask.spawn(lintTemplates);

// eslint's TypeScript project service looks for the nearest tsconfig.json: give the dev folders one that
// extends the dev config (the root tsconfig.json is jsii's and covers src/ only).
for (const dir of ['integ', 'scripts', 'examples']) {
  new JsonFile(project, `${dir}/tsconfig.json`, {
    obj: { extends: '../test/tsconfig.json', include: ['./**/*.ts'], exclude: ['./**/*.snapshot/**'] },
  });
}

for (const pattern of ['/integ/', '/scripts/', '/examples/', '/rosetta/', '/.ci/', 'cdk.context.json']) {
  project.addPackageIgnore(pattern);
}

project.synth();

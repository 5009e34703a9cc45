/**
 * AWS's own checks over every CloudFormation template the tests synthesized (captured by
 * test/setup/capture-templates.ts into <dir>) and every integ snapshot template:
 *
 * - cfn-lint (AWS CloudFormation Linter, 1.x): no error (E*) and no W3037 (unknown IAM action) may remain; other
 *   warnings are counted and printed by rule.
 * - AWS Control Tower's proactive controls as Guard rules, run by @cdklabs/cdk-validator-cfnguard (offline): every
 *   finding is either fixed or acknowledged on the resource with a reason (`Metadata.guard.SuppressedRules` plus
 *   `Metadata.guard.Reasons`, written by src/private/nag.ts `acknowledgeGuard`). Only the rules whose resource types
 *   occur in the templates are run (the others cannot match; running all 474 takes ~4 s a template).
 *   integ-tests-alpha's assertion stacks (test scaffolding, not part of the library) get cfn-lint only.
 *
 * Exits 1 on any error or unacknowledged finding.
 *
 * Usage: ts-node scripts/lint-templates.ts [--no-integ] [captured-dir]   (default test-reports/templates)
 *        ts-node scripts/lint-templates.ts --guard-chunk <rules-dir> <template>...   (internal: one Guard process)
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..');
const GUARD_RULES = path.join(root, 'node_modules', '@cdklabs', 'cdk-validator-cfnguard', 'rules', 'control-tower', 'cfn-guard');
/** cfn-lint findings that fail the check besides every error. */
const FAILING_WARNINGS = ['W3037'];

interface Finding { rule: string; file: string; line: number; message: string }
interface GuardViolation { rule: string; description: string; file: string; resource: string }

async function main(argv: string[]): Promise<number> {
  if (argv[0] === '--guard-chunk') {
    process.stdout.write(JSON.stringify(guardChunk(argv[1], argv.slice(2))));
    return 0;
  }
  const started = Date.now();
  const withInteg = !argv.includes('--no-integ');
  argv = argv.filter((a) => a !== '--no-integ');
  const captured = path.resolve(argv[0] ?? path.join(root, 'test-reports', 'templates'));
  if (!fs.existsSync(captured)) {
    process.stderr.write(`lint-templates: ${captured} does not exist; run jest with CDK_PRIVATE_IOT_TEMPLATES=${captured} first (npx projen test does)\n`);
    return 1;
  }
  const testTemplates = fs.readdirSync(captured).filter((f) => f.endsWith('.template.json')).map((f) => path.join(captured, f));
  const integTemplates = !withInteg ? [] : fs.readdirSync(path.join(root, 'integ')).filter((d) => d.endsWith('.snapshot'))
    .flatMap((d) => fs.readdirSync(path.join(root, 'integ', d)).filter((f) => f.endsWith('.template.json')).map((f) => path.join(root, 'integ', d, f)));
  const all = [...testTemplates, ...integTemplates];
  const skips = readSkips(captured);
  process.stdout.write(`lint-templates: ${testTemplates.length} distinct templates from the tests, ${integTemplates.length} integ snapshot templates`
    + (skips.length > 0 ? `; left out: ${summarize(skips)}` : '') + '\n');

  const cfnLint = await runCfnLint(all);
  const failing = cfnLint.filter((f) => f.rule.startsWith('E') || FAILING_WARNINGS.includes(f.rule));
  const counts = countBy(cfnLint.map((f) => f.rule));
  process.stdout.write(`cfn-lint ${cfnLintVersion()}: ${all.length} templates, ${failing.length} failing findings`
    + ` (errors and ${FAILING_WARNINGS.join(', ')})${counts.size > 0 ? `; by rule: ${[...counts].map(([r, n]) => `${r} ${n}`).join(', ')}` : ''}\n`);
  for (const f of failing.slice(0, 40)) {
    process.stdout.write(`  FAIL ${f.rule} ${f.message}\n       ${path.relative(root, f.file)}:${f.line}${describeTemplate(f.file)}\n`);
  }

  const guardTemplates = all.filter((f) => !isAssertionStack(f));
  const violations = await runGuard(guardTemplates);
  const open: GuardViolation[] = [];
  const acknowledged = new Map<string, Set<string>>();
  for (const v of violations) {
    const reason = guardReason(v);
    if (reason) {
      acknowledged.set(`${v.rule}: ${reason}`, (acknowledged.get(`${v.rule}: ${reason}`) ?? new Set()).add(`${v.file}#${v.resource}`));
    } else {
      open.push(v);
    }
  }
  process.stdout.write(`Guard (Control Tower proactive controls): ${guardTemplates.length} templates, ${violations.length} findings, `
    + `${violations.length - open.length} acknowledged on their resources, ${open.length} open\n`);
  for (const [ack, resources] of acknowledged) {
    process.stdout.write(`  ack  ${ack} (${resources.size} finding${resources.size === 1 ? '' : 's'})\n`);
  }
  // Open findings by rule, with the first few places of each (a rule usually fails the same way everywhere).
  for (const [rule, count] of countBy(open.map((v) => v.rule))) {
    const examples = open.filter((v) => v.rule === rule);
    process.stdout.write(`  FAIL ${rule} (${count}): ${examples[0].description.split('\n')[0]}\n`);
    for (const v of examples.slice(0, 3)) {
      process.stdout.write(`       ${v.resource} in ${path.relative(root, v.file)}${describeTemplate(v.file)}\n`);
    }
  }
  const ok = failing.length === 0 && open.length === 0;
  process.stdout.write(`lint-templates: ${ok ? 'OK' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return ok ? 0 : 1;
}

// --- cfn-lint -----------------------------------------------------------------------------------------------------

function cfnLintVersion(): string {
  try {
    return execFileSync('cfn-lint', ['--version'], { encoding: 'utf-8' }).trim().replace(/^cfn-lint\s*/, '');
  } catch {
    throw new Error('cfn-lint is not installed: the machine image ships cfn-lint 1.x (`cfn-lint --version`); `pip install cfn-lint` elsewhere');
  }
}

async function runCfnLint(files: string[]): Promise<Finding[]> {
  cfnLintVersion();
  const outputs = await Promise.all(chunks(files).map((chunk) => run('cfn-lint', ['--format', 'json', '--', ...chunk], [0, 2, 4, 6, 8, 10, 12, 14])));
  return outputs.flatMap((out) => (JSON.parse(out || '[]') as Array<{ Rule: { Id: string }; Filename: string; Location: { Start: { LineNumber: number } }; Message: string }>)
    .map((m) => ({ rule: m.Rule.Id, file: m.Filename, line: m.Location.Start.LineNumber, message: m.Message })));
}

// --- Guard --------------------------------------------------------------------------------------------------------

async function runGuard(files: string[]): Promise<GuardViolation[]> {
  const types = new Set(files.flatMap((f) => Object.values(readTemplate(f).Resources ?? {}).map((r) => r.Type)));
  const rulesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-private-iot-guard-rules-'));
  try {
    for (const rule of walk(GUARD_RULES).filter((f) => f.endsWith('.guard'))) {
      const text = fs.readFileSync(rule, 'utf-8');
      if ([...types].some((t) => text.includes(`"${t}"`) || text.includes(`'${t}'`))) {
        fs.copyFileSync(rule, path.join(rulesDir, path.basename(rule)));
      }
    }
    const outputs = await Promise.all(chunks(files).map((chunk) => run(process.execPath,
      [...process.execArgv, __filename, '--guard-chunk', rulesDir, ...chunk], [0])));
    return outputs.flatMap((out) => JSON.parse(out) as GuardViolation[]);
  } finally {
    fs.rmSync(rulesDir, { recursive: true, force: true });
  }
}

function guardChunk(rulesDir: string, files: string[]): GuardViolation[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { CfnGuardValidator } = require('@cdklabs/cdk-validator-cfnguard') as typeof import('@cdklabs/cdk-validator-cfnguard');
  const report = new CfnGuardValidator({ controlTowerRulesEnabled: false, rules: [rulesDir], maxBuffer: 1024 * 1024 * 1024 })
    .validate({ templatePaths: files });
  return report.violations.flatMap((v) => v.violatingResources.map((r) => ({
    rule: v.ruleName, description: v.description, file: r.templatePath, resource: r.resourceLogicalId,
  })));
}

/** The reason a Guard finding is acknowledged on its resource (`Metadata.guard`), or undefined. */
function guardReason(v: GuardViolation): string | undefined {
  type GuardMetadata = { SuppressedRules?: string[]; Reasons?: Record<string, string> } | undefined;
  const guard = readTemplate(v.file).Resources?.[v.resource]?.Metadata?.guard as GuardMetadata;
  const reason = guard?.Reasons?.[v.rule];
  return guard?.SuppressedRules?.includes(v.rule) && reason && reason.trim().length > 0 ? reason : undefined;
}

// --- helpers ------------------------------------------------------------------------------------------------------

interface TemplateJson { Resources?: Record<string, { Type: string; Metadata?: Record<string, unknown> }>; Description?: string }
const templates = new Map<string, TemplateJson>();
function readTemplate(file: string): TemplateJson {
  if (!templates.has(file)) {
    templates.set(file, JSON.parse(fs.readFileSync(file, 'utf-8')) as TemplateJson);
  }
  return templates.get(file)!;
}

/** integ-tests-alpha's assertion stacks: test scaffolding (custom resources, state machines), not the library. */
function isAssertionStack(file: string): boolean {
  return /Assertions?\.template\.json$|DeployAssert/.test(path.basename(file));
}

/** For a captured template (named by hash): its first resources, so a finding can be traced to a test. */
function describeTemplate(file: string): string {
  if (!/^[0-9a-f]{40}\.template\.json$/.test(path.basename(file))) {
    return '';
  }
  const ids = Object.keys(readTemplate(file).Resources ?? {});
  return ` (captured from a test; resources ${ids.slice(0, 4).join(', ')}${ids.length > 4 ? `, ... ${ids.length} in all` : ''})`;
}

function readSkips(dir: string): Array<{ reason: string; stacks: number }> {
  const file = path.join(dir, 'skipped.jsonl');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf-8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
}

function summarize(skips: Array<{ reason: string; stacks: number }>): string {
  const byReason = new Map<string, number>();
  skips.forEach((s) => byReason.set(s.reason, (byReason.get(s.reason) ?? 0) + s.stacks));
  return [...byReason].map(([reason, n]) => `${n} stack syntheses (${reason})`).join(', ');
}

function countBy(values: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  values.sort().forEach((v) => counts.set(v, (counts.get(v) ?? 0) + 1));
  return counts;
}

/** The files split into one chunk per core (each chunk one process). */
function chunks(files: string[]): string[][] {
  const n = Math.max(1, Math.min(os.cpus().length, files.length));
  return Array.from({ length: n }, (_, i) => files.filter((_f, j) => j % n === i)).filter((c) => c.length > 0);
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** Runs a command and resolves with its stdout; rejects on an exit code outside `okCodes`. */
function run(command: string, args: string[], okCodes: number[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => (okCodes.includes(code ?? -1)
      ? resolve(Buffer.concat(out).toString('utf-8'))
      : reject(new Error(`${command} exited ${code}: ${Buffer.concat(err).toString('utf-8').slice(0, 2000)}`))));
  });
}

main(process.argv.slice(2)).then((code) => process.exit(code), (e: Error) => {
  process.stderr.write(`lint-templates: ${e.message}\n`);
  process.exit(1);
});

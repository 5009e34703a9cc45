/**
 * The gate behind `npx projen lint:templates`: cfn-lint and the Control Tower Guard rules fail on a template with an
 * unknown IAM action or an unacknowledged finding, and pass once the finding is acknowledged with a reason.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const SCRIPT = path.join(__dirname, '..', 'scripts', 'lint-templates.ts');

function lint(templates: Record<string, object>): { status: number | null; out: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-templates-test-'));
  for (const [name, template] of Object.entries(templates)) {
    fs.writeFileSync(path.join(dir, `${name}.template.json`), JSON.stringify(template));
  }
  const child = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', SCRIPT, '--no-integ', dir], {
    encoding: 'utf-8', env: { ...process.env, TS_NODE_PROJECT: path.join(__dirname, 'tsconfig.json') },
  });
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: child.status, out: child.stdout + child.stderr };
}

function logGroup(metadata?: object): object {
  return { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 365 }, ...(metadata ? { Metadata: metadata } : {}) };
}

const role = (action: string) => ({
  Type: 'AWS::IAM::Role',
  Properties: {
    AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
    Policies: [{ PolicyName: 'p', PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] } }],
  },
});

test('an unknown IAM action and an unacknowledged Guard finding fail the check, and both are named', () => {
  const { status, out } = lint({ bad: { Resources: { Logs: logGroup(), Role: role('lambda:Invoke') } } });
  expect(status).toBe(1);
  expect(out).toMatch(/FAIL W3037 'invoke' is not one of/);
  expect(out).toMatch(/FAIL cloudwatch_log_group_encrypted_check \(1\)/);
  expect(out).toMatch(/lint-templates: FAILED/);
}, 120_000);

test('a finding acknowledged on the resource with a reason passes; a suppression without a reason does not', () => {
  const acknowledged = { guard: { SuppressedRules: ['cloudwatch_log_group_encrypted_check'], Reasons: { cloudwatch_log_group_encrypted_check: 'test logs' } } };
  const ok = lint({ good: { Resources: { Logs: logGroup(acknowledged), Role: role('lambda:InvokeFunction') } } });
  expect(ok.out).toMatch(/1 acknowledged on their resources, 0 open/);
  expect(ok.status).toBe(0);

  const noReason = lint({ bare: { Resources: { Logs: logGroup({ guard: { SuppressedRules: ['cloudwatch_log_group_encrypted_check'] } }) } } });
  expect(noReason.status).toBe(1);
  expect(noReason.out).toMatch(/FAIL cloudwatch_log_group_encrypted_check/);
}, 120_000);

/**
 * Jest setup (setupFilesAfterEnv): with CDK_PRIVATE_IOT_TEMPLATES=<dir>, every CloudFormation template any test
 * synthesizes (Template.fromStack, app.synth(), nested stages) is written to <dir>/<sha1>.template.json, once per
 * distinct content, so that `scripts/lint-templates.ts` can check all of them with AWS's linters (cfn-lint, Guard)
 * after the tests. Without the variable nothing is captured.
 *
 * Not captured, and counted with the reason in <dir>/skipped.jsonl (the lint report prints them):
 * - assemblies with missing context: the first pass of the CDK CLI's two-pass synthesis, whose dummy lookup values
 *   (`vpc-12345`, `1.2.3.4/5`) the CLI never deploys;
 * - templates without resources (CloudFormation cannot deploy an empty stack; tests use them as plain fixtures);
 * - apps whose context has `cdk-private-iot:lint-skip` = reason: tests that prove a limit by synthesizing past it
 *   with the check turned off.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Stage } from 'aws-cdk-lib';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { LINT_SKIP_CONTEXT } from '../fixtures';

const dir = process.env.CDK_PRIVATE_IOT_TEMPLATES;

function skipped(reason: string, stacks: number): void {
  fs.appendFileSync(path.join(dir!, 'skipped.jsonl'), JSON.stringify({ reason, stacks, test: expect.getState().currentTestName }) + '\n');
}

function capture(stage: Stage, assembly: CloudAssembly): void {
  const stacks = assembly.stacksRecursively;
  const reason = stage.node.tryGetContext(LINT_SKIP_CONTEXT) as string | undefined;
  if (reason) {
    return skipped(reason, stacks.length);
  }
  if ((assembly.manifest.missing ?? []).length > 0) {
    return skipped('first pass of a two-pass synthesis (missing context, dummy lookup values)', stacks.length);
  }
  for (const stack of stacks) {
    if (Object.keys(stack.template.Resources ?? {}).length === 0) {
      skipped('no resources', 1);
      continue;
    }
    const text = JSON.stringify(stack.template, undefined, 1);
    const file = path.join(dir!, `${createHash('sha1').update(text).digest('hex')}.template.json`);
    if (!fs.existsSync(file)) {
      fs.writeFileSync(file, text);
    }
  }
}

if (dir) {
  fs.mkdirSync(dir, { recursive: true });
  const synth = Stage.prototype.synth;
  Stage.prototype.synth = function synthAndCapture(this: Stage, options?: Parameters<Stage['synth']>[0]): CloudAssembly {
    const assembly = synth.call(this, options);
    capture(this, assembly);
    return assembly;
  };
}

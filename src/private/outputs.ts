import { Aspects, CfnOutput, CfnOutputProps, IAspect, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** Outputs of our constructs that would like their plain name as logical id, per stack. */
const wanted = new WeakMap<Stack, Map<CfnOutput, string>>();

/**
 * A stack output whose name is exactly `name` (`ServiceName`, `ElasticIpAllocationIds`), as the README and the
 * deploy commands refer to it, instead of CDK's `<path><name><hash>`, whenever that name is free in the stack: no other
 * construct of ours asks for it and no other output already has it. Otherwise it keeps CDK's unique logical id.
 * Outputs are not resources, so the choice never replaces anything on update.
 */
export function namedOutput(scope: IConstruct, name: string, props: CfnOutputProps): CfnOutput {
  const output = new CfnOutput(scope, name, props);
  const stack = Stack.of(scope);
  let outputs = wanted.get(stack);
  if (!outputs) {
    outputs = new Map();
    wanted.set(stack, outputs);
    Aspects.of(stack).add(new PlainOutputNames(stack, outputs));
  }
  outputs.set(output, name);
  return output;
}

/** Runs once per stack, after every construct was added: gives each output its plain name where that name is free. */
class PlainOutputNames implements IAspect {
  private done = false;

  constructor(private readonly stack: Stack, private readonly outputs: Map<CfnOutput, string>) {}

  public visit(node: IConstruct): void {
    if (node !== this.stack || this.done) {
      return;
    }
    this.done = true;
    const wantedNames = [...this.outputs.values()];
    const taken = new Set(this.stack.node.findAll()
      .filter((c): c is CfnOutput => c instanceof CfnOutput && Stack.of(c) === this.stack && !this.outputs.has(c))
      .map((o) => this.stack.resolve(o.logicalId) as string));
    for (const [output, name] of this.outputs) {
      if (!taken.has(name) && wantedNames.filter((n) => n === name).length === 1) {
        output.overrideLogicalId(name);
      }
    }
  }
}

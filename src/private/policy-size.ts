import { CfnResource, IResolvable, Reference, Stack, Tokenization } from 'aws-cdk-lib';

/*
 * The size of a policy document once deployed, estimated at synthesis from its resolved form (IoT policies: 2,048
 * characters; the inline policies of an IAM role: 10,240 in all). A lower bound, so that synthesis never rejects a
 * document that could fit.
 */

/**
 * The deployed length of the value of a `Ref` to a resource of these types: EC2 has given every new resource a long id
 * (17 hexadecimal digits) since 2018, so an endpoint CloudFormation creates is `vpce-` and 17 digits, a VPC `vpc-` and 17.
 */
const DEPLOYED_REF_LENGTHS: { [cfnResourceType: string]: number } = {
  'AWS::EC2::VPCEndpoint': 22,
  'AWS::EC2::VPC': 21,
};

/** The shortest valid id (`vpce-` or `vpc-` and 8 hexadecimal digits, the short ids of resources created before 2018). */
export const SHORTEST_ID_LENGTH = { vpce: 13, vpc: 12 };

/**
 * The deployed length of the tokens of `values` whose length is known, keyed by their resolved form (as JSON): a `Ref`
 * to a resource of `DEPLOYED_REF_LENGTHS` (wherever it is, even in another stack) counts as the id CloudFormation gives
 * it, and a value with tokens counts as at least its `shortest` (a VPC endpoint id: `vpce-` and 8 digits). The longest
 * length wins when a token occurs in several places (it has the same value everywhere).
 */
export function tokenLengths(stack: Stack, values: Array<{ value: string; shortest: number }>): Map<string, number> {
  const lengths = new Map<string, number>();
  const record = (resolvable: unknown, length: number) => {
    const key = JSON.stringify(stack.resolve(resolvable));
    lengths.set(key, Math.max(lengths.get(key) ?? 0, length));
  };
  for (const { value, shortest } of values) {
    record(value, shortest); // a literal value resolves to a string, which no intrinsic of the document matches
    for (const token of Tokenization.reverseString(value).tokens) {
      record(token, deployedRefLength(token) ?? 0);
    }
  }
  return lengths;
}

/** The length of what a `Ref` to a resource of `DEPLOYED_REF_LENGTHS` deploys as; undefined for any other token. */
function deployedRefLength(token: IResolvable): number | undefined {
  if (Reference.isReference(token) && token.displayName === 'Ref' && CfnResource.isCfnResource(token.target)) {
    return DEPLOYED_REF_LENGTHS[token.target.cfnResourceType];
  }
  return undefined;
}

/**
 * A lower bound of the size of a resolved policy document once deployed, white space excluded, so that synthesis never
 * rejects a document that could fit: the tokens of `lengths` count as (at least) their deployed length, pseudo
 * parameters as the shortest value they can take (the shortest region, `us-east-1`), joins as their parts, and any
 * other intrinsic as nothing (a conservative assumption: a CfnParameter or an import in a topic may be empty).
 */
export function estimatedDocumentSize(resolved: unknown, lengths: Map<string, number>): number {
  return JSON.stringify(shortestValue(resolved, lengths)).replace(/\s/g, '').length;
}

function shortestValue(value: unknown, lengths: Map<string, number>): unknown {
  if (Array.isArray(value)) {
    return value.map((inner) => shortestValue(inner, lengths));
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const short = shortestObject(value as { [key: string]: unknown }, lengths);
  // A token of known length: at least that many characters (a join may be longer).
  return typeof short === 'string' ? short.padEnd(lengths.get(JSON.stringify(value)) ?? 0, 'x') : short;
}

/** The shortest value of an intrinsic (a string), or of any other object, by its values. */
function shortestObject(value: { [key: string]: unknown }, lengths: Map<string, number>): unknown {
  const entries = Object.entries(value);
  if (entries.length === 1) {
    const [key, arg] = entries[0];
    if (key === 'Ref') {
      return SHORTEST_PSEUDO_PARAMETERS[String(arg)] ?? '';
    }
    if (key === 'Fn::Join' && Array.isArray(arg) && Array.isArray(arg[1])) {
      return (arg[1] as unknown[]).map((part) => {
        const short = shortestValue(part, lengths);
        return typeof short === 'string' ? short : '';
      }).join(String(arg[0]));
    }
    if (key.startsWith('Fn::')) {
      return '';
    }
  }
  return Object.fromEntries(entries.map(([key, inner]) => [key, shortestValue(inner, lengths)]));
}

const SHORTEST_PSEUDO_PARAMETERS: { [name: string]: string } = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'us-east-1',
  'AWS::AccountId': '000000000000',
};

/**
 * Benchmark app: the S1 job in plain aws-cdk-lib with the sample's lookup of the endpoint's addresses, a Lambda
 * function with inline code (L1 `CfnFunction`) behind a `CustomResource`. (Our own code: the handler here is Node.js.)
 */
import { CustomResource, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { runBench } from './harness';
import { buildPlainS1 } from './plain-s1-app';

/** Answers CloudFormation with the private address of each network interface it is given (Address0, Address1, ...). */
const HANDLER = `
const https = require('https');
const { EC2Client, DescribeNetworkInterfacesCommand } = require('@aws-sdk/client-ec2');
exports.handler = async (event) => {
  let status = 'SUCCESS'; let reason = ''; const data = {};
  try {
    if (event.RequestType !== 'Delete') {
      const ids = event.ResourceProperties.NetworkInterfaceIds;
      const found = await new EC2Client({}).send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: ids }));
      found.NetworkInterfaces.forEach((eni, i) => { data['Address' + i] = eni.PrivateIpAddress; });
    }
  } catch (e) { status = 'FAILED'; reason = String(e); }
  const body = JSON.stringify({ Status: status, Reason: reason || 'done', PhysicalResourceId: event.PhysicalResourceId || event.LogicalResourceId,
    StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId, Data: data });
  await new Promise((resolve, reject) => {
    const req = https.request(event.ResponseURL, { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } }, resolve);
    req.on('error', reject);
    req.end(body);
  });
};
`;

function inlineFunctionLookup(stack: Stack, endpoint: ec2.InterfaceVpcEndpoint, count: number): string[] {
  const role = new iam.Role(stack, 'AddressLookupRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole')],
    inlinePolicies: {
      DescribeNetworkInterfaces: new iam.PolicyDocument({
        statements: [new iam.PolicyStatement({ actions: ['ec2:DescribeNetworkInterfaces'], resources: ['*'] })], // the action takes no resource
      }),
    },
  });
  const fn = new lambda.CfnFunction(stack, 'AddressLookupFunction', {
    runtime: 'nodejs20.x',
    handler: 'index.handler',
    timeout: Duration.seconds(30).toSeconds(),
    role: role.roleArn,
    code: { zipFile: HANDLER },
  });
  const lookup = new CustomResource(stack, 'EndpointAddresses', {
    serviceToken: fn.attrArn,
    properties: { NetworkInterfaceIds: endpoint.vpcEndpointNetworkInterfaceIds },
  });
  return Array.from({ length: count }, (_, i) => lookup.getAttString(`Address${i}`));
}

runBench('plain', ({ outdir, context }) => ({ app: buildPlainS1({ outdir, context, lookup: inlineFunctionLookup }) }));

/**
 * Benchmark app: the S1 job in plain aws-cdk-lib, the endpoint's addresses read with an `AwsCustomResource`
 * (`ec2:DescribeNetworkInterfaces`), the other common way to write the sample's lookup.
 */
import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as cr from 'aws-cdk-lib/custom-resources';
import { runBench } from './harness';
import { buildPlainS1 } from './plain-s1-app';

function awsCustomResourceLookup(stack: Stack, endpoint: ec2.InterfaceVpcEndpoint, count: number): string[] {
  const paths = Array.from({ length: count }, (_, i) => `NetworkInterfaces.${i}.PrivateIpAddress`);
  const lookup = new cr.AwsCustomResource(stack, 'EndpointAddresses', {
    onUpdate: {
      service: 'EC2',
      action: 'describeNetworkInterfaces',
      parameters: { NetworkInterfaceIds: endpoint.vpcEndpointNetworkInterfaceIds },
      physicalResourceId: cr.PhysicalResourceId.of('endpoint-addresses'),
      outputPaths: paths,
    },
    policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
    installLatestAwsSdk: false,
  });
  return paths.map((p) => lookup.getResponseField(p));
}

runBench('plain', ({ outdir, context }) => ({ app: buildPlainS1({ outdir, context, lookup: awsCustomResourceLookup }) }));

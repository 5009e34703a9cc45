import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { testStack, testVpc, nagFindings, formatNagFindings } from './fixtures';
import { PrivateIotDataEndpoint, StaticIpIotFrontDoor } from '../src';
test('explore', () => {
  const stack = testStack();
  const vpc = testVpc(stack, 'Vpc', { withFlowLog: true, subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }, { name: 'endpoints', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const endpoint = new PrivateIotDataEndpoint(stack, 'Endpoint', { vpc });
  const zone = route53.PublicHostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z123', zoneName: 'example.com' });
  new StaticIpIotFrontDoor(stack, 'FrontDoor', { endpoint, clientPeers: [ec2.Peer.ipv4('203.0.113.0/24')], customDomain: { domainName: 'mqtt.example.com', hostedZone: zone } });
  console.log(formatNagFindings(nagFindings(stack)).join('\n'));
});

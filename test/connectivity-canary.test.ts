/**
 * IotConnectivityCanary: the probe as a Lambda function in a VPC (synthesis; the handler itself is tested against
 * loopback servers in test/probe/).
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import { formatNagFindings, nagFindings, templateOf, testStack, testVpc } from './fixtures';
import { IotConnectivityCanary, IotConnectivityCanaryProps } from '../src';

const HOST = 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com';

function canary(props: Partial<IotConnectivityCanaryProps> = {}) {
  const stack = testStack();
  const vpc = testVpc(stack);
  const construct = new IotConnectivityCanary(stack, 'Canary', { vpc, host: HOST, ...props });
  return { stack, vpc, construct, template: templateOf(stack) };
}

function probeOptions(template: Template, stack: Stack): any {
  const [fn] = Object.values(template.findResources('AWS::Lambda::Function')) as any[];
  return JSON.parse(stack.resolve(fn.Properties.Environment.Variables.PROBE_OPTIONS));
}

describe('IotConnectivityCanary', () => {
  test('a Node.js 24 function in the VPC with the probe options, no schedule by default', () => {
    const { stack, template } = canary();
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      VpcConfig: Match.objectLike({ SubnetIds: Match.anyValue(), SecurityGroupIds: Match.anyValue() }),
      LoggingConfig: Match.objectLike({ LogGroup: Match.anyValue() }),
    });
    expect(probeOptions(template, stack)).toEqual({ host: HOST, ports: [8883, 8443, 443], timeoutMs: 5000 });
    template.resourceCountIs('AWS::Events::Rule', 0);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });

  test('egress only to the IoT ports of the expected CIDRs and to DNS', () => {
    const { template } = canary({ expectCidrs: ['10.10.0.0/16'], dnsServers: ['10.20.0.10', '10.20.1.10:53'], ports: [8883] });
    const [sg] = Object.values(template.findResources('AWS::EC2::SecurityGroup')) as any[];
    const egress = sg.Properties.SecurityGroupEgress.map((r: any) => `${r.IpProtocol} ${r.FromPort} ${r.CidrIp}`).sort();
    expect(egress).toEqual([
      'tcp 53 10.20.0.10/32', 'tcp 53 10.20.1.10/32', 'tcp 8883 10.10.0.0/16', 'udp 53 10.20.0.10/32', 'udp 53 10.20.1.10/32',
    ]);
    expect(sg.Properties.SecurityGroupIngress).toBeUndefined();
  });

  test('IPv6 DNS servers (plain or [ipv6]:port) get IPv6 egress rules', () => {
    const { template } = canary({ dnsServers: ['fd00:10::2', '[fd00:10::3]:5353'], ports: [8883] });
    const [sg] = Object.values(template.findResources('AWS::EC2::SecurityGroup')) as any[];
    const dns = sg.Properties.SecurityGroupEgress.filter((r: any) => r.FromPort === 53).map((r: any) => `${r.IpProtocol} ${r.CidrIpv6}`).sort();
    expect(dns).toEqual(['tcp fd00:10::2/128', 'tcp fd00:10::3/128', 'udp fd00:10::2/128', 'udp fd00:10::3/128']);
  });

  test('a schedule adds a rule (no retries) and an alarm on the ProbeOk metric that treats missing data as failure', () => {
    const { template } = canary({ schedule: events.Schedule.rate(Duration.minutes(5)) });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 0 } })],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'CdkPrivateIot/Probe',
      MetricName: 'ProbeOk',
      Dimensions: [{ Name: 'Host', Value: HOST }],
      Statistic: 'Minimum',
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  test('alarmAction: the alarm notifies it', () => {
    const stack = testStack();
    const topic = new sns.Topic(stack, 'Topic');
    new IotConnectivityCanary(stack, 'Canary', {
      vpc: testVpc(stack), host: HOST, schedule: events.Schedule.rate(Duration.minutes(5)), alarmAction: new actions.SnsAction(topic),
    });
    templateOf(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: [{ Ref: stack.getLogicalId(topic.node.defaultChild as sns.CfnTopic) }] });
  });

  test.each([
    ['ports [22]', { ports: [22] }, /ports contains 22.*use only 443, 8443, 8883/],
    ['a host with a scheme', { host: 'mqtts://example.com' }, /host 'mqtts:\/\/example\.com' is not a hostname; use the ATS data endpoint/],
    ['a bad CIDR', { expectCidrs: ['10.0.0.0'] }, /expectCidrs contains '10\.0\.0\.0', which is not a CIDR block; use blocks like/],
    ['a step timeout of 2 minutes', { stepTimeout: Duration.minutes(2) }, /stepTimeout 2 minutes is outside 100 ms to 60 s/],
    ['an address out of range in a CIDR', { expectCidrs: ['10.0.0.256/24'] }, /expectCidrs contains '10\.0\.0\.256\/24', which is not a CIDR block/],
    ['a DNS server with a CIDR', { dnsServers: ['10.0.0.2/32'] }, /dnsServers contains '10\.0\.0\.2\/32', which is not 'ip', 'ip:port' or '\[ipv6\]:port'/],
    ['a DNS server port out of range', { dnsServers: ['10.0.0.2:70000'] }, /dnsServers contains '10\.0\.0\.2:70000'/],
    ['no DNS server', { dnsServers: [] }, /dnsServers is empty; name the DNS servers to ask, or omit dnsServers/],
  ])('rejects %s and adds nothing', (_name, props, message) => {
    const stack = testStack();
    const vpc = testVpc(stack);
    expect(() => new IotConnectivityCanary(stack, 'Canary', { vpc, host: HOST, ...props })).toThrow(message);
    templateOf(stack).resourceCountIs('AWS::Lambda::Function', 0);
  });

  test('cdk-nag: no unacknowledged finding on the canary', () => {
    const { stack } = canary({ schedule: events.Schedule.rate(Duration.minutes(5)) });
    expect(formatNagFindings(nagFindings(stack, { include: (p) => p.startsWith('TestStack/Canary/') }))).toEqual([]);
  });
});

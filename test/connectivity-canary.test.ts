/**
 * IotConnectivityCanary: the probe as a Lambda function in a VPC (synthesis; the handler itself is tested against
 * loopback servers in test/probe/).
 */
import { Duration, Lazy, Stack } from 'aws-cdk-lib';
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

  test('IPv6 DNS servers (plain or [ipv6]:port) get IPv6 egress rules on their port', () => {
    const { template } = canary({ dnsServers: ['fd00:10::2', '[fd00:10::3]:5353'], ports: [8883] });
    const [sg] = Object.values(template.findResources('AWS::EC2::SecurityGroup')) as any[];
    const dns = sg.Properties.SecurityGroupEgress.filter((r: any) => r.CidrIpv6).map((r: any) => `${r.IpProtocol} ${r.FromPort}-${r.ToPort} ${r.CidrIpv6}`).sort();
    expect(dns).toEqual(['tcp 53-53 fd00:10::2/128', 'tcp 5353-5353 fd00:10::3/128', 'udp 53-53 fd00:10::2/128', 'udp 5353-5353 fd00:10::3/128']);
  });

  test('a DNS server given as ip:5353 gets egress on 5353 (UDP and TCP), not 53', () => {
    const { template } = canary({ expectCidrs: ['10.10.0.0/16'], dnsServers: ['10.20.0.10:5353', '10.20.1.10'], ports: [8883] });
    const [sg] = Object.values(template.findResources('AWS::EC2::SecurityGroup')) as any[];
    const egress = sg.Properties.SecurityGroupEgress.map((r: any) => `${r.IpProtocol} ${r.FromPort}-${r.ToPort} ${r.CidrIp}`).sort();
    expect(egress).toEqual([
      'tcp 53-53 10.20.1.10/32', 'tcp 5353-5353 10.20.0.10/32', 'tcp 8883-8883 10.10.0.0/16', 'udp 53-53 10.20.1.10/32', 'udp 5353-5353 10.20.0.10/32',
    ]);
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
  // The default function timeout is 50 s (5 s steps, 3 ports): a period must hold the longest gap + 50 s + 60 s.
  describe('the alarm is sized from the schedule: every period holds a run', () => {
    test.each([
      ['rate(1 minute)', events.Schedule.rate(Duration.minutes(1)), 180],
      ['rate(5 minutes)', events.Schedule.rate(Duration.minutes(5)), 600],
      ['rate(1 hour)', events.Schedule.rate(Duration.hours(1)), 7200],
      ['rate(1 day)', events.Schedule.rate(Duration.days(1)), 2 * 86400],
      ['rate(6 days)', events.Schedule.rate(Duration.days(6)), 7 * 86400],
      ['every 10 minutes (cron)', events.Schedule.cron({ minute: '0/10' }), 900],
      ['hourly at :30 (cron)', events.Schedule.expression('cron(30 * * * ? *)'), 7200],
      ['twice a day, 6 and 18 h (cron)', events.Schedule.cron({ minute: '0', hour: '6,18' }), 86400],
      ['business hours on weekdays, every 15 minutes (cron): Friday 17:45 to Monday 08:00', events.Schedule.cron({ minute: '0/15', hour: '8-17', weekDay: 'MON-FRI' }), 3 * 86400],
    ])('%s: 1 of 1 datapoints, missing = breaching', (_name, schedule, period) => {
      const { template } = canary({ schedule });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Period: period,
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        TreatMissingData: 'breaching',
        Statistic: 'Minimum',
      });
    });

    test('a longer step timeout (a longer function timeout) widens the period', () => {
      // 20 s steps, 1 port: timeout 20 * 4 + 10 = 90 s; 300 + 90 + 60 = 450 s -> 600 s; rate(2 minutes): 120 + 150 = 270 -> 300
      const { template } = canary({ schedule: events.Schedule.rate(Duration.minutes(2)), stepTimeout: Duration.seconds(20), ports: [8883] });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { Period: 300 });
    });

    test.each([
      ['weekly (cron)', events.Schedule.cron({ minute: '0', hour: '8', weekDay: 'MON' }), /schedule 'cron\(0 8 \? \* MON \*\)' runs as rarely as every 7 days.*more than the 7 days \(604800 s\) CloudWatch allows; run the canary at least every 6 days/],
      ['rate(7 days)', events.Schedule.rate(Duration.days(7)), /schedule 'rate\(7 days\)' runs as rarely as every 7 days/],
      ['monthly on the last day (L)', events.Schedule.expression('cron(0 8 L * ? *)'), /schedule 'cron\(0 8 L \* \? \*\)' has 'L' in day-of-month, which this construct cannot analyse \(L, W and # are not supported\); use numbers/],
      ['the nth weekday (#)', events.Schedule.expression('cron(0 8 ? * 2#1 *)'), /has '2#1' in day-of-week, which this construct cannot analyse/],
      ['a limited year', events.Schedule.cron({ minute: '0', year: '2030' }), /limits the years to '2030': after the last run the alarm would stay in ALARM; use \* for the year/],
      ['January to June only', events.Schedule.cron({ minute: '0', hour: '12', month: '1-6' }), /runs as rarely as every 185 days/],
      ['both day fields', events.Schedule.expression('cron(0 8 1 * MON *)'), /must have \? in exactly one of day-of-month and day-of-week/],
      ['a wrapping range', events.Schedule.expression('cron(0 22-2 * * ? *)'), /has '22-2' in hours: a range that wraps around/],
      ['5 fields', events.Schedule.expression('cron(0 8 * * ?)'), /has 5 fields instead of 6/],
      ['an hour out of range', events.Schedule.expression('cron(0 24 * * ? *)'), /has '24' in hours, outside 0-23/],
      ['30 February', events.Schedule.expression('cron(0 8 30 2 ? *)'), /never runs/],
      ['an at() expression', events.Schedule.expression('at(2030-01-01T00:00:00)'), /is neither rate\(\.\.\.\) nor cron\(\.\.\.\)/],
      ['a token', events.Schedule.rate(Duration.minutes(Lazy.number({ produce: () => 5 }))), /schedule is a token, so the alarm cannot be sized from it; use events.Schedule.rate\(\) or events.Schedule.cron\(\) with literal values/],
    ])('rejects %s, naming the prop, the value and the fix, and adds nothing', (_name, schedule, message) => {
      const stack = testStack();
      const vpc = testVpc(stack);
      expect(() => new IotConnectivityCanary(stack, 'Canary', { vpc, host: HOST, schedule })).toThrow(message);
      templateOf(stack).resourceCountIs('AWS::Lambda::Function', 0);
      templateOf(stack).resourceCountIs('AWS::CloudWatch::Alarm', 0);
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

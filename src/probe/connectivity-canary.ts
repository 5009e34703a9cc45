import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { CanaryFunction } from './canary-function';
import { invalidProp } from '../private/errors';
import { dnsServerAddress, isCidrBlock } from '../private/formats';
import { acknowledge } from '../private/nag';
import { validateIotPorts } from '../private/validation';

/** Namespace and name of the metric the canary writes (embedded metric format). */
const METRIC_NAMESPACE = 'CdkPrivateIot/Probe';
const METRIC_NAME = 'ProbeOk';

/**
 * Properties of an `IotConnectivityCanary`.
 */
export interface IotConnectivityCanaryProps {
  /** The VPC to probe from (e.g. the device VPC or a consumer VPC). */
  readonly vpc: ec2.IVpc;

  /**
   * The subnets of the canary function.
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /** The AWS IoT hostname to probe: the ATS data endpoint or a custom domain. */
  readonly host: string;

  /**
   * The ports to check (TCP + TLS with SNI; ALPN on 443).
   * @default [8883, 443, 8443]
   */
  readonly ports?: number[];

  /**
   * DNS servers to ask instead of the VPC resolver (e.g. a Route 53 Resolver inbound endpoint's addresses).
   * @default - the VPC resolver
   */
  readonly dnsServers?: string[];

  /**
   * CIDRs the DNS answers must fall in; the canary may connect only to these on `ports`.
   * @default - any private address; connections allowed to the VPC CIDR
   */
  readonly expectCidrs?: string[];

  /**
   * Run the canary on a schedule and alarm when a run fails.
   * @default - no schedule (invoke it yourself, e.g. from an integ test)
   */
  readonly schedule?: events.Schedule;

  /**
   * What the alarm does when a scheduled run fails (e.g. `new cloudwatch_actions.SnsAction(topic)`).
   * @default - no action: the alarm state shows in CloudWatch only
   */
  readonly alarmAction?: cloudwatch.IAlarmAction;

  /**
   * Time limit of each probe step.
   * @default Duration.seconds(5)
   */
  readonly stepTimeout?: Duration;
}

/**
 * A Lambda function in a VPC that runs the connectivity probe (DNS, TCP, TLS) against the AWS IoT hostname: proof
 * from inside the VPC that the private path works. It returns the probe report when invoked, and, on an optional
 * schedule, writes a `CdkPrivateIot/Probe` `ProbeOk` metric with an alarm when a run fails.
 *
 * @example
 * declare const deviceVpc: ec2.IVpc;
 * new IotConnectivityCanary(this, 'Canary', {
 *   vpc: deviceVpc,
 *   host: 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com',
 *   expectCidrs: ['10.10.0.0/16'],
 *   schedule: events.Schedule.rate(Duration.minutes(5)),
 * });
 */
export class IotConnectivityCanary extends Construct implements ec2.IConnectable {
  /** The canary function. */
  public readonly function: lambda.Function;
  /** The security group of the function (egress to the IoT ports and DNS only). */
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly connections: ec2.Connections;
  /** The log group of the function. */
  public readonly logGroup: logs.LogGroup;
  /**
   * The schedule rule.
   * @default - none (no schedule)
   */
  public readonly rule?: events.Rule;
  /**
   * The alarm on failed runs.
   * @default - none (no schedule)
   */
  public readonly alarm?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: IotConnectivityCanaryProps) {
    super(scope, id);
    const ports = validateIotPorts(this, props.ports).sort((a, b) => b - a); // 8883 first, as the probe orders them
    const stepTimeout = props.stepTimeout ?? Duration.seconds(5);
    if (!stepTimeout.isUnresolved() && (stepTimeout.toMilliseconds() < 100 || stepTimeout.toSeconds({ integral: false }) > 60)) {
      invalidProp(this, 'stepTimeout', `${stepTimeout.toHumanString()} is outside 100 ms to 60 s`, 'use a few seconds per step');
    }
    if (!Token.isUnresolved(props.host) && !/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(props.host)) {
      invalidProp(this, 'host', `'${props.host}' is not a hostname`, 'use the ATS data endpoint (xxxx-ats.iot.<region>.amazonaws.com) or your custom domain');
    }
    for (const cidr of props.expectCidrs ?? []) {
      if (!Token.isUnresolved(cidr) && !isCidrBlock(cidr)) {
        invalidProp(this, 'expectCidrs', `contains '${cidr}', which is not a CIDR block`, 'use blocks like 10.10.0.0/16 or 2001:db8::/56');
      }
    }
    if (props.dnsServers !== undefined && props.dnsServers.length === 0) {
      invalidProp(this, 'dnsServers', 'is empty', 'name the DNS servers to ask, or omit dnsServers for the VPC resolver');
    }
    const dnsServers = (props.dnsServers ?? []).map((server) => {
      // a token (e.g. a Resolver endpoint's address) is taken as an IPv4 address without a port
      const address = Token.isUnresolved(server) ? { ip: server, family: 4 as const } : dnsServerAddress(server);
      if (!address) {
        invalidProp(this, 'dnsServers', `contains '${server}', which is not 'ip', 'ip:port' or '[ipv6]:port'`, 'use resolver addresses like 10.10.0.2 or 10.10.0.2:53');
      }
      return address;
    });

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'AWS IoT connectivity canary: egress to the IoT ports and DNS only',
      allowAllOutbound: false,
    });
    this.connections = new ec2.Connections({ securityGroups: [this.securityGroup] });
    const destinations = (props.expectCidrs ?? [props.vpc.vpcCidrBlock]).map((cidr) => (cidr.includes(':') ? ec2.Peer.ipv6(cidr) : ec2.Peer.ipv4(cidr)));
    for (const destination of destinations) {
      for (const port of ports) {
        this.securityGroup.addEgressRule(destination, ec2.Port.tcp(port), `AWS IoT Core ${port}`);
      }
    }
    const resolvers = props.dnsServers
      ? dnsServers.map((a) => (a.family === 4 ? ec2.Peer.ipv4(`${a.ip}/32`) : ec2.Peer.ipv6(`${a.ip}/128`)))
      : [ec2.Peer.ipv4(props.vpc.vpcCidrBlock)];
    for (const resolver of resolvers) {
      this.securityGroup.addEgressRule(resolver, ec2.Port.udp(53), 'DNS');
      this.securityGroup.addEgressRule(resolver, ec2.Port.tcp(53), 'DNS over TCP');
    }

    this.logGroup = new logs.LogGroup(this, 'LogGroup', { retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.DESTROY });
    this.function = new CanaryFunction(this, 'Function', {
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: [this.securityGroup],
      logGroup: this.logGroup,
      timeout: Duration.seconds(Math.min(900, Math.ceil(stepTimeout.toSeconds({ integral: false }) * (1 + 2 * ports.length + 1) + 10))),
      memorySize: 256,
      environment: {
        PROBE_OPTIONS: Stack.of(this).toJsonString({
          host: props.host,
          ports,
          dnsServers: props.dnsServers,
          expectCidrs: props.expectCidrs,
          timeoutMs: stepTimeout.toMilliseconds(),
        }),
      },
    });

    if (props.schedule) {
      this.rule = new events.Rule(this, 'Schedule', {
        schedule: props.schedule,
        targets: [new targets.LambdaFunction(this.function, { retryAttempts: 0 })],
      });
      this.alarm = new cloudwatch.Alarm(this, 'Alarm', {
        alarmDescription: `The AWS IoT private path to ${props.host} failed a probe from ${props.vpc.node.path}`,
        metric: new cloudwatch.Metric({
          namespace: METRIC_NAMESPACE,
          metricName: METRIC_NAME,
          dimensionsMap: { Host: props.host },
          statistic: cloudwatch.Stats.MINIMUM,
          period: Duration.minutes(5),
        }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
      if (props.alarmAction) {
        this.alarm.addAlarmAction(props.alarmAction);
      } else {
        acknowledge(this.alarm, ['NIST.800.53.R5-CloudWatchAlarmAction', 'HIPAA.Security-CloudWatchAlarmAction', 'PCI.DSS.321-CloudWatchAlarmAction'].map((ruleId) => ({
          id: ruleId,
          reason: 'No alarmAction was given: the alarm reports a failing private path in CloudWatch; pass alarmAction (e.g. an SNS topic) to be notified.',
        })));
      }
    }
    this.acknowledgeFindings();
  }

  private acknowledgeFindings(): void {
    const what = 'The connectivity canary runs the probe for a few seconds per invocation';
    if (this.function.role) {
      acknowledge(this.function.role!, [{
        id: 'AwsSolutions-IAM4',
        reason: `${what}; AWSLambdaBasicExecutionRole and AWSLambdaVPCAccessExecutionRole only let it write its logs and attach to the VPC.`,
        appliesTo: [
          'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
          'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole',
        ],
      }]);
    }
    acknowledge(this.function, [
      ...['NIST.800.53.R5-LambdaDLQ', 'HIPAA.Security-LambdaDLQ', 'PCI.DSS.321-LambdaDLQ'].map((ruleId) => ({
        id: ruleId,
        reason: `${what}; a failed run is reported by its ProbeOk metric and alarm, and the next scheduled run probes again, so there is no event to keep.`,
      })),
      ...['NIST.800.53.R5-LambdaConcurrency', 'HIPAA.Security-LambdaConcurrency', 'PCI.DSS.321-LambdaConcurrency'].map((ruleId) => ({
        id: ruleId,
        reason: `${what} at most once per schedule period; reserving concurrency would fail to deploy in accounts with a low concurrency quota.`,
      })),
    ]);
    for (const ruleId of ['NIST.800.53.R5-CloudWatchLogGroupEncrypted', 'HIPAA.Security-CloudWatchLogGroupEncrypted', 'PCI.DSS.321-CloudWatchLogGroupEncrypted']) {
      acknowledge(this.logGroup, [{
        id: ruleId,
        reason: 'The canary logs probe verdicts, hostnames and private addresses only (no device data or credentials); CloudWatch Logs encrypts them with a service key.',
      }]);
    }
  }
}

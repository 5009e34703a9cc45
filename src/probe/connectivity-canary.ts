import * as path from 'path';
import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { invalidProp } from '../private/errors';
import { dnsServerEndpoint, isCidrBlock } from '../private/formats';
import { acknowledge, acknowledgeGuard } from '../private/nag';
import { StagedDirectoryCode } from '../private/staged-directory-code';
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
   * Run the canary on a schedule and alarm when a run fails or no run reports.
   *
   * The alarm is sized from the schedule: its period is the longest gap between two runs plus the function timeout
   * and a minute, rounded up to 1, 2, 3, 5, 10, 15, 20 or 30 minutes, 1, 2, 3, 4, 6 or 12 hours, or 1 to 7 days, so
   * that every period holds at least one run; one period is evaluated, a failed run alarms (statistic Minimum), and a
   * period without data (no run reported) is breaching. CloudWatch accepts at most 7 days for one alarm period.
   *
   * Accepted: `rate(...)` with a literal duration, and `cron(minutes hours day-of-month month day-of-week year)`
   * with numbers, names (JAN-DEC, SUN-SAT), `*`, `?`, lists, ranges and steps, year `*`. Rejected: tokens, `L`, `W`
   * and `#`, a year other than `*` (the runs would stop and the alarm would fire forever), and schedules whose
   * longest gap between runs (plus the allowance) exceeds 7 days.
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
  public readonly function: lambda.IFunction;
  /** The security group of the function (egress to the IoT ports and DNS only). */
  public readonly securityGroup: ec2.ISecurityGroup;
  /** The function's network connections (its security group): allow the canary into your own targets with it. */
  public readonly connections: ec2.Connections;
  /** The log group of the function. */
  public readonly logGroup: logs.ILogGroup;
  /**
   * The schedule rule.
   * @default - none (no schedule)
   */
  public readonly rule?: events.IRule;
  /**
   * The alarm on failed runs.
   * @default - none (no schedule)
   */
  public readonly alarm?: cloudwatch.IAlarm;

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
    const timeoutSeconds = Math.min(900, Math.ceil(stepTimeout.toSeconds({ integral: false }) * (1 + 2 * ports.length + 1) + 10));
    // Checked before any resource is made, like every other prop.
    const alarmWindow = props.schedule ? alarmWindowOf(this, props.schedule, timeoutSeconds) : undefined;
    if (props.dnsServers !== undefined && props.dnsServers.length === 0) {
      invalidProp(this, 'dnsServers', 'is empty', 'name the DNS servers to ask, or omit dnsServers for the VPC resolver');
    }
    const dnsServers = (props.dnsServers ?? []).map((server) => {
      // a token (e.g. a Resolver endpoint's address) is taken as an IPv4 address without a port
      const address = Token.isUnresolved(server) ? { ip: server, family: 4 as const, port: 53 } : dnsServerEndpoint(server);
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
      ? dnsServers.map((a) => ({ peer: a.family === 4 ? ec2.Peer.ipv4(`${a.ip}/32`) : ec2.Peer.ipv6(`${a.ip}/128`), port: a.port }))
      : [{ peer: ec2.Peer.ipv4(props.vpc.vpcCidrBlock), port: 53 }];
    for (const { peer, port } of resolvers) {
      this.securityGroup.addEgressRule(peer, ec2.Port.udp(port), port === 53 ? 'DNS' : `DNS on port ${port}`);
      this.securityGroup.addEgressRule(peer, ec2.Port.tcp(port), port === 53 ? 'DNS over TCP' : `DNS over TCP on port ${port}`);
    }

    this.logGroup = new logs.LogGroup(this, 'LogGroup', { retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.DESTROY });
    // the probe bundled by `npx projen bundle` (src/probe/canary.lambda.ts, mqtt.js included, AWS SDK from the runtime)
    const fn = new lambda.Function(this, 'Function', {
      description: 'src/probe/canary.lambda.ts',
      runtime: new lambda.Runtime('nodejs24.x', lambda.RuntimeFamily.NODEJS),
      handler: 'index.handler',
      code: new StagedDirectoryCode(path.join(__dirname, '../../assets/probe/canary.lambda')),
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: [this.securityGroup],
      logGroup: this.logGroup,
      timeout: Duration.seconds(timeoutSeconds),
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
    fn.addEnvironment('AWS_NODEJS_CONNECTION_REUSE_ENABLED', '1', { removeInEdge: true });
    this.function = fn;

    if (props.schedule && alarmWindow) {
      this.rule = new events.Rule(this, 'Schedule', {
        schedule: props.schedule,
        targets: [new targets.LambdaFunction(this.function, { retryAttempts: 0 })],
      });
      const alarm = new cloudwatch.Alarm(this, 'Alarm', {
        alarmDescription: `The AWS IoT private path to ${props.host} failed a probe from ${props.vpc.node.path}, or no probe `
          + `reported for ${Duration.seconds(alarmWindow.periodSeconds).toHumanString()} (the schedule's longest gap between runs is `
          + `${Duration.seconds(alarmWindow.longestGapSeconds).toHumanString()})`,
        metric: new cloudwatch.Metric({
          namespace: METRIC_NAMESPACE,
          metricName: METRIC_NAME,
          dimensionsMap: { Host: props.host },
          statistic: cloudwatch.Stats.MINIMUM,
          period: Duration.seconds(alarmWindow.periodSeconds),
        }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        // Every period holds at least one run, so a period without data means no run reported.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
      this.alarm = alarm;
      if (props.alarmAction) {
        alarm.addAlarmAction(props.alarmAction);
      } else {
        const noAction = 'No alarmAction was given: the alarm reports a failing private path in CloudWatch; pass alarmAction (e.g. an SNS topic) to be notified.';
        acknowledge(this.alarm, ['NIST.800.53.R5-CloudWatchAlarmAction', 'HIPAA.Security-CloudWatchAlarmAction', 'PCI.DSS.321-CloudWatchAlarmAction'].map((ruleId) => ({
          id: ruleId,
          reason: noAction,
        })));
        acknowledgeGuard(this.alarm, 'cloudwatch_alarm_action_check', noAction);
      }
    }
    this.acknowledgeFindings();
  }

  private acknowledgeFindings(): void {
    acknowledgeGuard(this.function, 'lambda_inside_vpc_check', 'The canary runs in the VPC (VpcConfig with its subnets and security '
      + 'group); the control does not recognise subnet ids that are imports of another stack\'s outputs and reports it anyway.');
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
    acknowledgeGuard(this.logGroup, 'cloudwatch_log_group_encrypted_check',
      'The canary logs probe verdicts, hostnames and private addresses only (no device data or credentials); CloudWatch Logs encrypts them with a service key.');
    for (const ruleId of ['NIST.800.53.R5-CloudWatchLogGroupEncrypted', 'HIPAA.Security-CloudWatchLogGroupEncrypted', 'PCI.DSS.321-CloudWatchLogGroupEncrypted']) {
      acknowledge(this.logGroup, [{
        id: ruleId,
        reason: 'The canary logs probe verdicts, hostnames and private addresses only (no device data or credentials); CloudWatch Logs encrypts them with a service key.',
      }]);
    }
  }
}

// ------------------------------------------------------------------------------------------------
// Alarm sizing from the schedule (not exported)
// ------------------------------------------------------------------------------------------------

/**
 * Alarm periods, in seconds: CloudWatch accepts 10, 20, 30 and any multiple of 60, and at most 7 days for
 * period x evaluation periods (1 day when the period is under an hour) -- PutMetricAlarm, `Period`. These are the
 * multiples of 60 that divide a day (so periods line up with clock hours), then whole days.
 */
const ALARM_PERIODS = [
  60, 120, 180, 300, 600, 900, 1200, 1800,
  3600, 7200, 10800, 14400, 21600, 43200,
  ...[1, 2, 3, 4, 5, 6, 7].map((days) => days * 86400),
];
const MAX_ALARM_PERIOD = 7 * 86400;
/** Delivery delay of a scheduled event and of the metric, on top of the function timeout (the run's duration). */
const DELIVERY_ALLOWANCE_SECONDS = 60;

interface AlarmWindow {
  readonly periodSeconds: number;
  readonly longestGapSeconds: number;
}

/** The alarm period for a schedule: the longest gap between runs plus the run's allowance, rounded up. */
function alarmWindowOf(scope: Construct, schedule: events.Schedule, timeoutSeconds: number): AlarmWindow {
  const expression = schedule.expressionString;
  const reject = (problem: string, fix: string): never => invalidProp(scope, 'schedule', `'${expression}' ${problem}`, fix);
  if (Token.isUnresolved(expression)) {
    invalidProp(scope, 'schedule', 'is a token, so the alarm cannot be sized from it',
      'use events.Schedule.rate() or events.Schedule.cron() with literal values');
  }
  let gap: number;
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    gap = Number(rate[1]) * { minute: 60, hour: 3600, day: 86400 }[rate[2].replace(/s$/, '') as 'minute' | 'hour' | 'day'];
    if (gap === 0) {
      reject('runs never', 'use a rate of at least 1 minute');
    }
  } else {
    const cron = /^cron\((.*)\)$/.exec(expression);
    if (!cron) {
      reject('is neither rate(...) nor cron(...)', 'use events.Schedule.rate() or events.Schedule.cron()');
    }
    gap = longestCronGap(cron![1], reject);
  }
  const needed = gap + timeoutSeconds + DELIVERY_ALLOWANCE_SECONDS;
  const periodSeconds = ALARM_PERIODS.find((period) => period >= needed);
  if (periodSeconds === undefined || periodSeconds > MAX_ALARM_PERIOD) {
    reject(`runs as rarely as every ${Duration.seconds(gap).toHumanString()}: with the ${timeoutSeconds} s function timeout and `
      + `${DELIVERY_ALLOWANCE_SECONDS} s for delivery, one alarm period would need ${needed} s, more than the 7 days (604800 s) `
      + 'CloudWatch allows', 'run the canary at least every 6 days (e.g. rate(1 day)), or leave schedule unset and run it yourself');
  }
  return { periodSeconds: periodSeconds!, longestGapSeconds: gap };
}

type Reject = (problem: string, fix: string) => never;

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const CRON_FIX = 'use numbers, names (JAN-DEC, SUN-SAT), *, ?, lists (a,b), ranges (a-b) and steps (*/n, a/n, a-b/n) in '
  + 'cron(minutes hours day-of-month month day-of-week *)';

/**
 * The values a cron field matches (EventBridge syntax), or rejects it. `names` maps names to values (index + `offset`).
 */
function cronField(field: string, what: string, min: number, max: number, reject: Reject, names: string[] = [], offset = 0): Set<number> {
  const value = (text: string): number => {
    const index = names.indexOf(text.toUpperCase());
    const n = index >= 0 ? index + offset : /^\d+$/.test(text) ? Number(text) : NaN;
    if (Number.isNaN(n)) {
      reject(`has '${text}' in ${what}, which this construct cannot analyse (L, W and # are not supported)`, CRON_FIX);
    }
    if (!(n >= min && n <= max)) {
      reject(`has '${text}' in ${what}, outside ${min}-${max}`, CRON_FIX);
    }
    return n;
  };
  const values = new Set<number>();
  for (const part of field.split(',')) {
    const m = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(part);
    if (!m) {
      reject(`has '${part}' in ${what}, which this construct cannot analyse (L, W and # are not supported)`, CRON_FIX);
    }
    const [from, to] = m![1] === '*' ? [min, max] : m![1].split('-').map(value).concat(m![1].includes('-') ? [] : [NaN]);
    const end = m![1] === '*' ? max : Number.isNaN(to) ? (m![2] ? max : from) : to;
    const step = m![2] ? Number(m![2]) : 1;
    if (step < 1 || end < from) {
      reject(`has '${part}' in ${what}: ${step < 1 ? 'a step of 0' : 'a range that wraps around'}`, CRON_FIX);
    }
    for (let v = from; v <= end; v += step) {
      values.add(v);
    }
  }
  return values;
}

/**
 * The longest gap, in seconds, between consecutive runs of a 6-field EventBridge cron expression (UTC), found by
 * walking 8 years of days (two leap-year cycles); gives up (and rejects) above the 7-day alarm limit.
 */
function longestCronGap(body: string, reject: Reject): number {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) {
    reject(`has ${fields.length} fields instead of 6`, CRON_FIX);
  }
  const [minuteField, hourField, dayField, monthField, weekDayField, yearField] = fields;
  if (yearField !== '*') {
    reject(`limits the years to '${yearField}': after the last run the alarm would stay in ALARM`, 'use * for the year');
  }
  if ((dayField === '?') === (weekDayField === '?')) {
    reject('must have ? in exactly one of day-of-month and day-of-week (EventBridge rule)', 'e.g. cron(0 * * * ? *) or cron(0 8 ? * MON-FRI *)');
  }
  const minutes = [...cronField(minuteField, 'minutes', 0, 59, reject)];
  const hours = [...cronField(hourField, 'hours', 0, 23, reject)];
  const days = dayField === '?' ? undefined : cronField(dayField, 'day-of-month', 1, 31, reject);
  const months = cronField(monthField, 'month', 1, 12, reject, MONTHS, 1);
  const weekDays = weekDayField === '?' ? undefined : cronField(weekDayField, 'day-of-week', 1, 7, reject, WEEKDAYS, 1);

  // Times of day (seconds after midnight) at which the schedule runs on a matching day, sorted.
  const times = hours.flatMap((h) => minutes.map((m) => h * 3600 + m * 60)).sort((a, b) => a - b);
  let longest = 0;
  for (let i = 1; i < times.length; i++) {
    longest = Math.max(longest, times[i] - times[i - 1]);
  }
  const start = Date.UTC(2024, 0, 1) / 1000;
  let previousDay: number | undefined;
  for (let day = 0; day < 8 * 366; day++) {
    const date = new Date((start + day * 86400) * 1000);
    const matches = months.has(date.getUTCMonth() + 1)
      && (days ? days.has(date.getUTCDate()) : weekDays!.has(date.getUTCDay() + 1));
    if (!matches) {
      continue;
    }
    if (previousDay !== undefined) {
      longest = Math.max(longest, (day - previousDay) * 86400 - times[times.length - 1] + times[0]);
    }
    if (longest > MAX_ALARM_PERIOD) {
      break;
    }
    previousDay = day;
  }
  if (previousDay === undefined) {
    reject('never runs', 'check the day-of-month and month fields');
  }
  return longest;
}

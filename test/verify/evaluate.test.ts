import {
  ATS_HOST, att, baseWorld, CREDENTIALS_HOST, DEVICE_CIDR, GATEKEEPER_CIDR, interfaceEndpoint, ON_PREMISES_CIDR, ref, REGION,
  securityGroup, stack, vpc, zone,
} from './world';
import { FlowSpec, Verdict } from '../../src/verify/evaluate';
import { verifyStacks } from '../../src/verify/verify';

const fromDevices = (host: string, ports = [8883], expect = 'reachable'): FlowSpec => ({ name: 'devices', source: { kind: 'vpc', vpc: 'World/Dev' }, host, ports, expect });
const fromOnPremises = (host: string, ports = [8883], cidr = ON_PREMISES_CIDR): FlowSpec => ({ name: 'on-premises', source: { kind: 'on-premises', cidr }, host, ports });

function verdicts(resources: Record<string, any>, flows: FlowSpec[], extra: ReturnType<typeof stack>[] = []): Verdict[] {
  return verifyStacks([stack(resources), ...extra], { flows, declared: false }).verdicts;
}

function only(resources: Record<string, any>, flow: FlowSpec, extra: ReturnType<typeof stack>[] = []): Verdict {
  const [v] = verdicts(resources, [flow], extra);
  return v;
}

describe('the base world', () => {
  test('devices and on-premises reach the data host on every port, and the credentials host on 443', () => {
    const all = verdicts(baseWorld(), [
      fromDevices(ATS_HOST, [8883, 443, 8443]),
      fromDevices(CREDENTIALS_HOST, [443]),
      fromOnPremises(ATS_HOST, [8883, 443, 8443]),
      fromOnPremises(CREDENTIALS_HOST, [443]),
    ]);
    expect(all.map((v) => [v.flow, v.port, v.reachable, v.blockedBy ?? ''])).toEqual([
      ['devices', 8883, true, ''], ['devices', 443, true, ''], ['devices', 8443, true, ''], ['devices', 443, true, ''],
      ['on-premises', 8883, true, ''], ['on-premises', 443, true, ''], ['on-premises', 8443, true, ''], ['on-premises', 443, true, ''],
    ]);
    expect(all[0].answeredBy).toBe(`com.amazonaws.${REGION}.iot.data (World/Data)`);
    expect(all[0].resolvedBy).toContain('World/DataZone');
  });

  test('the on-premises flow checks DNS to the Resolver inbound endpoint on UDP and TCP 53 first', () => {
    const v = only(baseWorld(), fromOnPremises(ATS_HOST));
    expect(v.steps[0].detail).toContain('DNS UDP 53 to the Resolver inbound endpoint World/Resolver');
    expect(v.steps.some((s) => s.detail.startsWith('DNS TCP 53'))).toBe(true);
    expect(v.steps.find((s) => s.check === 'dns' && s.rule === 'resolver-inbound')?.ok).toBe(true);
  });

  test('a port the service does not listen on, an undeclared range and the credentials host on 8883 are blocked', () => {
    const world = baseWorld();
    // open the ACL and the security group on 22 so that the service itself is what refuses
    world.EndpointSg.Properties.SecurityGroupIngress.push({ CidrIp: DEVICE_CIDR, IpProtocol: 'tcp', FromPort: 22, ToPort: 22 });
    world.EndpointAcl22 = { Type: 'AWS::EC2::NetworkAclEntry', Properties: { NetworkAclId: ref('EndpointAcl'), RuleNumber: 90, Protocol: 6, RuleAction: 'allow', Egress: false, CidrBlock: DEVICE_CIDR, PortRange: { From: 22, To: 22 } } };
    const port22 = only(world, fromDevices(ATS_HOST, [22]));
    expect(port22.reachable).toBe(false);
    expect(port22.reason).toContain('does not listen on 22');
    expect(port22.blockedBy).toBe('World/Data');

    const undeclared = only(baseWorld(), fromOnPremises(ATS_HOST, [8883], '172.16.0.0/12'));
    expect(undeclared.reachable).toBe(false);

    const credentials8883 = only(baseWorld(), fromDevices(CREDENTIALS_HOST, [8883]));
    expect(credentials8883.reachable).toBe(false);
  });
});

describe('each defect fails naming the resource that blocks it', () => {
  test('a missing return route: the gatekeeper subnet has no route back to the device VPC', () => {
    const world = baseWorld();
    delete world.GkSubnet1Route1; // 10.20.0.0/16 -> TGW from the first gatekeeper subnet
    const v = only(world, fromDevices(ATS_HOST));
    expect(v.reachable).toBe(false);
    expect(v.steps.at(-1)!.check).toBe('return route');
    expect(v.blockedBy).toBe('World/GkSubnet1Rt');
    expect(v.reason).toContain('to 10.20.0.0/24 have no route back');
    expect(only(baseWorld(), fromDevices(ATS_HOST)).reachable).toBe(true);
  });

  test('on-premises DNS gets no reply when the device subnets do not route on-premises back', () => {
    const world = baseWorld();
    delete world.DevSubnet1Route2;
    delete world.DevSubnet2Route2;
    const v = only(world, fromOnPremises(ATS_HOST));
    expect(v.reachable).toBe(false);
    expect(v.blockedBy).toBe('World/DevSubnet1Rt');
    expect(v.reason).toContain('DNS UDP 53 to the Resolver inbound endpoint');
  });

  test('a gateway endpoint reached across a Transit Gateway: S3 names resolve publicly from the device VPC', () => {
    const world = baseWorld();
    world.S3Gateway = { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Gateway', VpcId: ref('Gk'), ServiceName: `com.amazonaws.${REGION}.s3`, RouteTableIds: [ref('GkSubnet1Rt')] } };
    const bucket = `artifacts.s3.${REGION}.amazonaws.com`;
    const v = only(world, fromDevices(bucket, [443]));
    expect(v.reachable).toBe(false);
    expect(v.blockedBy).toBe('World/S3Gateway');
    expect(v.steps.at(-1)!.rule).toBe('gateway-endpoint-scope');

    // fixed: an S3 interface endpoint and a zone for the S3 names associated with the device VPC
    interfaceEndpoint(world, 'S3Interface', 's3', 'Gk', ['GkSubnet1', 'GkSubnet2'], 'EndpointSg');
    world.S3Zone = { Type: 'AWS::Route53::HostedZone', Properties: { Name: `s3.${REGION}.amazonaws.com.`, VPCs: [{ VPCId: ref('Dev'), VPCRegion: REGION }] } };
    world.S3Wildcard = {
      Type: 'AWS::Route53::RecordSet',
      Properties: { HostedZoneId: ref('S3Zone'), Name: `*.s3.${REGION}.amazonaws.com.`, Type: 'A', AliasTarget: { DNSName: { 'Fn::Select': [1, { 'Fn::Split': [':', { 'Fn::Select': [0, att('S3Interface', 'DnsEntries')] }] }] }, HostedZoneId: 'Z' } },
    };
    const fixed = only(world, fromDevices(bucket, [443]));
    expect(fixed.reachable).toBe(true);
    expect(fixed.answeredBy).toBe(`com.amazonaws.${REGION}.s3 (World/S3Interface)`);
  });

  test('an ACL without ephemeral return ports', () => {
    const world = baseWorld();
    for (const key of Object.keys(world).filter((k) => /^EndpointAclOut/.test(k))) delete world[key];
    const v = only(world, fromDevices(ATS_HOST));
    expect(v.reachable).toBe(false);
    expect(v.blockedBy).toBe('World/EndpointAcl');
    expect(v.reason).toContain('replies out');
    expect(v.steps.at(-1)!.rule).toBe('acl-ephemeral-ports');
  });

  test('a deny entry ahead of the allow entries wins', () => {
    const world = baseWorld();
    world.EndpointAclDeny = { Type: 'AWS::EC2::NetworkAclEntry', Properties: { NetworkAclId: ref('EndpointAcl'), RuleNumber: 50, Protocol: -1, RuleAction: 'deny', Egress: false, CidrBlock: '10.20.1.0/24' } };
    const v = only(world, fromDevices(ATS_HOST));
    expect(v.reachable).toBe(false);
    expect(v.blockedBy).toBe('World/EndpointAclDeny');
  });

  test('a security group that admits the wrong peer', () => {
    const world = baseWorld();
    securityGroup(world, 'EndpointSg', 'Gk', [GATEKEEPER_CIDR, '10.99.0.0/16', ON_PREMISES_CIDR], [8883, 443, 8443]);
    const v = only(world, fromDevices(ATS_HOST));
    expect(v.reachable).toBe(false);
    expect(v.blockedBy).toBe('World/EndpointSg');
    expect(v.reason).toContain('does not admit 10.20.0.0/24 on TCP 8883');
  });

  test('a zone not associated with the querying VPC', () => {
    const world = baseWorld();
    zone(world, 'DataZone', ATS_HOST, ['Gk'], 'Data');
    const v = only(world, fromDevices(ATS_HOST));
    expect(v.reachable).toBe(false);
    expect(v.blockedBy).toBe('World/Dev');
    expect(v.reason).toContain('resolves to public addresses from World/Dev');
  });

  test('a zone named after the parent domain shadows the host (NXDOMAIN)', () => {
    const world = baseWorld();
    zone(world, 'DataZone', ATS_HOST, ['Gk', 'Dev'], 'Data');
    world.DataZone.Properties.Name = `iot.${REGION}.amazonaws.com.`;
    world.DataZoneIp1.Properties.Name = `iot.${REGION}.amazonaws.com.`;
    world.DataZoneIp2.Properties.Name = `iot.${REGION}.amazonaws.com.`;
    const v = only(world, fromDevices(ATS_HOST));
    expect(v.reachable).toBe(false);
    expect(v.blockedBy).toBe('World/DataZone');
    expect(v.reason).toContain('NXDOMAIN');
  });

  test('a profile not associated with the VPC, then associated, then from an account it is not shared with', () => {
    const world = baseWorld();
    zone(world, 'DataZone', ATS_HOST, ['Gk'], 'Data');
    world.Profile = { Type: 'AWS::Route53Profiles::Profile', Properties: { Name: 'iot' } };
    world.ProfileZone = {
      Type: 'AWS::Route53Profiles::ProfileResourceAssociation',
      Properties: { Name: 'zone', ProfileId: att('Profile', 'Id'), ResourceArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':route53:::hostedzone/', ref('DataZone')]] } },
    };
    expect(only(world, fromDevices(ATS_HOST)).blockedBy).toBe('World/Dev');

    world.ProfileAssociation = { Type: 'AWS::Route53Profiles::ProfileAssociation', Properties: { Name: 'dev', ProfileId: att('Profile', 'Id'), ResourceId: ref('Dev') } };
    const associated = only(world, fromDevices(ATS_HOST));
    expect(associated.reachable).toBe(true);
    expect(associated.resolvedBy).toContain('World/Profile (profile, associated by World/ProfileAssociation)');

    // the device VPC in another account, associating the profile by its id: the profile must be shared with it
    const devices = stack({}, 'Devices', '333333333333');
    for (const key of Object.keys(world).filter((k) => /^Dev/.test(k))) {
      devices.template.Resources[key] = world[key];
      delete world[key];
    }
    devices.template.Resources.ProfileAssociation = { ...world.ProfileAssociation, Properties: { ...world.ProfileAssociation.Properties, ProfileId: 'rp-0123456789abcdef' } };
    delete world.ProfileAssociation;
    const crossAccount = verifyStacks([stack(world), devices], { flows: [{ ...fromDevices(ATS_HOST), source: { kind: 'vpc', vpc: 'Devices/Dev' } }], declared: false });
    expect(crossAccount.verdicts[0].blockedBy).toBe('World/Profile');
    expect(crossAccount.verdicts[0].reason).toContain('not shared with account 333333333333');
  });

  test('an attachment without a subnet in the source zone', () => {
    const world = baseWorld();
    world.DevAttachment.Properties.SubnetIds = [ref('DevSubnet1')];
    const v = only(world, fromDevices(ATS_HOST));
    expect(v.reachable).toBe(false);
    expect(v.blockedBy).toBe('World/DevAttachment');
    expect(v.steps.at(-1)!.rule).toBe('tgw-attachment-az');
  });

  test('a Transit Gateway of another account not shared with the attaching account', () => {
    const world = baseWorld();
    const gatekeeper = stack({}, 'Gatekeeper', '222222222222');
    for (const key of Object.keys(world).filter((k) => /^(Gk|Data|Credentials|EndpointSg|EndpointAcl)/.test(k))) {
      gatekeeper.template.Resources[key] = world[key];
      delete world[key];
    }
    for (const key of Object.keys(gatekeeper.template.Resources).filter((k) => /Route\d$/.test(k) || k === 'GkAttachment')) {
      gatekeeper.template.Resources[key].Properties.TransitGatewayId = 'tgw-0123456789abcdef0';
    }
    for (const key of Object.keys(world).filter((k) => /^DataZone/.test(k))) delete world[key];
    zone(gatekeeper.template.Resources, 'DataZone', ATS_HOST, ['Gk'], 'Data');
    // the device account associates its VPC with the gatekeeper account's zone (IotZoneVpcAssociation), by zone id
    world.ZoneAssociation = {
      Type: 'Custom::AWS',
      Properties: { Create: { 'Fn::Join': ['', ['{"service":"Route53","action":"associateVPCWithHostedZone","parameters":{"HostedZoneId":"Z0123456789ABCDEFGHIJ","VPC":{"VPCId":"', ref('Dev'), '","VPCRegion":"eu-west-1"}}}']] } },
    };
    const links = { 'cdk-private-iot:links': [{ value: 'Z0123456789ABCDEFGHIJ', stack: 'Gatekeeper', logicalId: 'DataZone' }] };
    const flows = [fromDevices(ATS_HOST)];
    const result = verifyStacks([stack(world, 'World', '111111111111', links), gatekeeper], { flows, declared: false });
    expect(result.notes.join('\n')).toContain('linked tgw-0123456789abcdef0 (stack Gatekeeper) to World/Tgw');
    expect(result.verdicts[0].blockedBy).toBe('World/Tgw');
    expect(result.verdicts[0].reason).toContain('not shared with 222222222222');

    world.Share = { Type: 'AWS::RAM::ResourceShare', Properties: { Name: 'tgw', Principals: ['222222222222'], ResourceArns: [{ 'Fn::Join': ['', ['arn:aws:ec2:eu-west-1:111111111111:transit-gateway/', ref('Tgw')]] }] } };
    const shared = verifyStacks([stack(world, 'World', '111111111111', links), gatekeeper], { flows, declared: false });
    expect(shared.verdicts[0].blockedBy).toBeUndefined();
    expect(shared.verdicts[0].resolvedBy).toBe('World/ZoneAssociation');
    expect(shared.verdicts[0].reachable).toBe(true);
  });

  test('Direct Connect advertises only its allowed prefixes', () => {
    const world = baseWorld();
    delete world.Vpn;
    world.DirectConnect = {
      Type: 'Custom::AWS',
      Properties: { Create: { 'Fn::Join': ['', ['{"service":"DirectConnect","action":"createDirectConnectGatewayAssociation","parameters":{"gatewayId":"', ref('Tgw'), '","addAllowedPrefixesToDirectConnectGateway":[{"cidr":"10.20.0.0/16"}]}}']] } },
    };
    const v = only(world, fromOnPremises(ATS_HOST));
    expect(v.reachable).toBe(false);
    expect(v.blockedBy).toBe('World/DirectConnect');
    expect(v.steps.at(-1)!.rule).toBe('dx-allowed-prefixes');
    world.DirectConnect.Properties.Create['Fn::Join'][1][2] = '","addAllowedPrefixesToDirectConnectGateway":[{"cidr":"10.20.0.0/16"},{"cidr":"10.10.0.0/16"}]}}';
    expect(only(world, fromOnPremises(ATS_HOST)).reachable).toBe(true);
  });

  test('an endpoint of the wrong service behind the name', () => {
    const world = baseWorld();
    zone(world, 'DataZone', ATS_HOST, ['Gk', 'Dev'], 'Credentials');
    const v = only(world, fromDevices(ATS_HOST));
    expect(v.reachable).toBe(false);
    expect(v.blockedBy).toBe('World/Credentials');
    expect(v.steps.at(-1)!.rule).toBe('iot-host');
  });
});

/** The base world plus an internet-facing front door (NLB with a security group) and optionally an accelerator. */
function frontDoorWorld(options: { accelerator?: boolean; preserveClientIp?: boolean; listenerPorts?: number[] } = {}) {
  const world = baseWorld();
  vpc(world, 'Pub', '10.40.0.0/16', [['10.40.0.0/26', `${REGION}a`]], []);
  // the front door lives in the gatekeeper VPC: one public subnet there, routed to an internet gateway
  world.PubSubnet = { Type: 'AWS::EC2::Subnet', Properties: { VpcId: ref('Gk'), CidrBlock: '10.10.200.0/26', AvailabilityZone: `${REGION}a` } };
  world.PubRt = { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: ref('Gk') } };
  world.PubRtAssoc = { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: ref('PubSubnet'), RouteTableId: ref('PubRt') } };
  world.Igw = { Type: 'AWS::EC2::InternetGateway', Properties: {} };
  world.IgwAttach = { Type: 'AWS::EC2::VPCGatewayAttachment', Properties: { VpcId: ref('Gk'), InternetGatewayId: ref('Igw') } };
  world.PubDefault = { Type: 'AWS::EC2::Route', Properties: { RouteTableId: ref('PubRt'), DestinationCidrBlock: '0.0.0.0/0', GatewayId: ref('Igw') } };
  securityGroup(world, 'DoorSg', 'Gk', ['203.0.113.0/24'], [8883, 443, 8443]);
  world.EndpointSg.Properties.SecurityGroupIngress.push({ SourceSecurityGroupId: att('DoorSg', 'GroupId'), IpProtocol: 'tcp', FromPort: 8883, ToPort: 8883 });
  world.EndpointAcl200 = { Type: 'AWS::EC2::NetworkAclEntry', Properties: { NetworkAclId: ref('EndpointAcl'), RuleNumber: 200, Protocol: 6, RuleAction: 'allow', Egress: false, CidrBlock: '10.10.200.0/26', PortRange: { From: 8883, To: 8883 } } };
  world.EndpointAcl201 = { Type: 'AWS::EC2::NetworkAclEntry', Properties: { NetworkAclId: ref('EndpointAcl'), RuleNumber: 201, Protocol: 6, RuleAction: 'allow', Egress: true, CidrBlock: '10.10.200.0/26', PortRange: { From: 1024, To: 65535 } } };
  world.Door = {
    Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
    Properties: { Type: 'network', Scheme: 'internet-facing', SecurityGroups: [att('DoorSg', 'GroupId')], SubnetMappings: [{ SubnetId: ref('PubSubnet'), AllocationId: att('Eip', 'AllocationId') }] },
  };
  world.DoorTargets = {
    Type: 'AWS::ElasticLoadBalancingV2::TargetGroup',
    Properties: { Port: 8883, Protocol: 'TCP', TargetType: 'ip', Targets: [0, 1].map((i) => ({ Id: att('DataAddresses', `NetworkInterfaces.${i}.PrivateIpAddress`), Port: 8883 })) },
  };
  for (const port of options.listenerPorts ?? [8883]) {
    world[`DoorListener${port}`] = { Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: { LoadBalancerArn: ref('Door'), Port: port, Protocol: 'TCP', DefaultActions: [{ Type: 'forward', TargetGroupArn: ref('DoorTargets') }] } };
  }
  world.PublicZone = { Type: 'AWS::Route53::HostedZone', Properties: { Name: 'example.com.' } };
  world.DoorRecord = {
    Type: 'AWS::Route53::RecordSet',
    Properties: { HostedZoneId: ref('PublicZone'), Name: 'iot.example.com.', Type: 'A', AliasTarget: { DNSName: att(options.accelerator ? 'Accelerator' : 'Door', 'DNSName'), HostedZoneId: 'Z' } },
  };
  if (options.accelerator) {
    world.Accelerator = { Type: 'AWS::GlobalAccelerator::Accelerator', Properties: { Name: 'a', IpAddressType: 'IPV4' } };
    world.AcceleratorListener = { Type: 'AWS::GlobalAccelerator::Listener', Properties: { AcceleratorArn: ref('Accelerator'), Protocol: 'TCP', PortRanges: [{ FromPort: 8883, ToPort: 8883 }] } };
    world.AcceleratorGroup = {
      Type: 'AWS::GlobalAccelerator::EndpointGroup',
      Properties: { ListenerArn: ref('AcceleratorListener'), EndpointGroupRegion: REGION, EndpointConfigurations: [{ EndpointId: ref('Door'), ClientIPPreservationEnabled: options.preserveClientIp ?? false }] },
    };
  }
  return world;
}

const fromInternet = (cidr = '203.0.113.0/24', ports = [8883]): FlowSpec => ({ name: 'internet', source: { kind: 'internet', cidr }, host: 'iot.example.com', ports });

describe('front door and accelerator', () => {
  test('allow-listed clients reach AWS IoT Core through the internet-facing load balancer; others are blocked by its security group', () => {
    const ok = only(frontDoorWorld(), fromInternet());
    expect(ok.reachable).toBe(true);
    expect(ok.answeredBy).toBe(`com.amazonaws.${REGION}.iot.data (World/Data)`);
    const other = only(frontDoorWorld(), fromInternet('198.51.100.0/24'));
    expect(other.reachable).toBe(false);
    expect(other.blockedBy).toBe('World/DoorSg');
  });

  test('a port with no listener', () => {
    const v = only(frontDoorWorld(), fromInternet('203.0.113.0/24', [443]));
    expect(v.reachable).toBe(false);
    expect(v.blockedBy).toBe('World/Door');
    expect(v.reason).toBe('load balancer World/Door has no listener on 443');
  });

  test('an accelerator without client address preservation is blocked by narrowed client peers; with it, passes', () => {
    const v = only(frontDoorWorld({ accelerator: true, preserveClientIp: false }), fromInternet());
    expect(v.reachable).toBe(false);
    expect(v.blockedBy).toBe('World/AcceleratorGroup');
    expect(v.reason).toContain('does not preserve the client address');
    const fixed = only(frontDoorWorld({ accelerator: true, preserveClientIp: true }), fromInternet());
    expect(fixed.reachable).toBe(true);
  });

  test('a front door in a subnet without an internet route is unreachable from the internet', () => {
    const world = frontDoorWorld();
    delete world.PubDefault;
    const v = only(world, fromInternet());
    expect(v.reachable).toBe(false);
    expect(v.blockedBy).toBe('World/PubRt');
    expect(v.steps.at(-1)!.rule).toBe('internet-gateway');
  });
});

describe('PrivateLink consumers', () => {
  function consumerWorld(aclAdmitsConsumer: boolean) {
    const world = baseWorld();
    world.ServiceLb = {
      Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
      Properties: { Type: 'network', Scheme: 'internal', SubnetMappings: [{ SubnetId: ref('GkSubnet1') }, { SubnetId: ref('GkSubnet2') }], EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: 'off' },
    };
    world.ServiceTargets = { Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: { Port: 8883, Protocol: 'TCP', TargetType: 'ip', Targets: [{ Id: att('DataAddresses', 'NetworkInterfaces.0.PrivateIpAddress'), Port: 8883 }] } };
    world.ServiceListener = { Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: { LoadBalancerArn: ref('ServiceLb'), Port: 8883, Protocol: 'TCP', DefaultActions: [{ Type: 'forward', TargetGroupArn: ref('ServiceTargets') }] } };
    world.Service = { Type: 'AWS::EC2::VPCEndpointService', Properties: { NetworkLoadBalancerArns: [ref('ServiceLb')], AcceptanceRequired: true } };
    world.ServicePermissions = { Type: 'AWS::EC2::VPCEndpointServicePermissions', Properties: { ServiceId: ref('Service'), AllowedPrincipals: ['arn:aws:iam::333333333333:root'] } };
    // like the library's endpoint ACL: load balancer nodes in one endpoint subnet reach endpoint interfaces in the other
    world.EndpointAclLocalOut = { Type: 'AWS::EC2::NetworkAclEntry', Properties: { NetworkAclId: ref('EndpointAcl'), RuleNumber: 400, Protocol: 6, RuleAction: 'allow', Egress: true, CidrBlock: GATEKEEPER_CIDR, PortRange: { From: 8883, To: 8883 } } };
    world.EndpointAclLocalIn = { Type: 'AWS::EC2::NetworkAclEntry', Properties: { NetworkAclId: ref('EndpointAcl'), RuleNumber: 400, Protocol: 6, RuleAction: 'allow', Egress: false, CidrBlock: GATEKEEPER_CIDR, PortRange: { From: 1024, To: 65535 } } };
    if (aclAdmitsConsumer) {
      world.EndpointAclConsumer = { Type: 'AWS::EC2::NetworkAclEntry', Properties: { NetworkAclId: ref('EndpointAcl'), RuleNumber: 300, Protocol: 6, RuleAction: 'allow', Egress: false, CidrBlock: '10.30.0.0/16', PortRange: { From: 8883, To: 8883 } } };
      world.EndpointAclConsumerOut = { Type: 'AWS::EC2::NetworkAclEntry', Properties: { NetworkAclId: ref('EndpointAcl'), RuleNumber: 300, Protocol: 6, RuleAction: 'allow', Egress: true, CidrBlock: '10.30.0.0/16', PortRange: { From: 1024, To: 65535 } } };
    }
    const consumer: Record<string, any> = {};
    vpc(consumer, 'Vpc', '10.30.0.0/16', [['10.30.0.0/24', `${REGION}a`]], []);
    securityGroup(consumer, 'Sg', 'Vpc', ['10.30.0.0/16'], [8883]);
    interfaceEndpoint(consumer, 'Endpoint', 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0', 'Vpc', ['VpcSubnet1'], 'Sg');
    zone(consumer, 'Zone', ATS_HOST, ['Vpc'], 'Endpoint', 1);
    return [stack(world), stack(consumer, 'Consumer', '333333333333')];
  }
  const flow: FlowSpec = { name: 'consumer', source: { kind: 'vpc', vpc: 'Consumer/Vpc' }, host: ATS_HOST, ports: [8883] };

  test('the gatekeeper ACL must admit the consumer addresses (PrivateLink keeps them)', () => {
    const blocked = verifyStacks(consumerWorld(false), { flows: [flow], declared: false }).verdicts[0];
    expect(blocked.reachable).toBe(false);
    expect(blocked.blockedBy).toBe('World/EndpointAcl');
    expect(blocked.reason).toContain('from 10.30.0.0/24 on 8883');
    const passed = verifyStacks(consumerWorld(true), { flows: [flow], declared: false }).verdicts[0];
    expect(passed.reason).toBeUndefined();
    expect(passed.reachable).toBe(true);
    expect(passed.steps.some((s) => s.rule === 'privatelink-service' && s.ok)).toBe(true);
  });

  test('a consumer account the service does not allow', () => {
    const stacks = consumerWorld(true);
    stacks[0].template.Resources.ServicePermissions.Properties.AllowedPrincipals = ['arn:aws:iam::444444444444:root'];
    const v = verifyStacks(stacks, { flows: [flow], declared: false }).verdicts[0];
    expect(v.blockedBy).toBe('World/Service');
    expect(v.reason).toBe('endpoint service World/Service does not allow account 333333333333');
  });
});

test('expected-blocked flows are ok when blocked and not ok when reachable', () => {
  const result = verifyStacks([stack(baseWorld())], {
    declared: false,
    flows: [
      { ...fromOnPremises(ATS_HOST, [8883], '172.16.0.0/12'), expect: 'blocked' },
      { ...fromDevices(ATS_HOST), expect: 'blocked' },
    ],
  });
  expect(result.verdicts.map((v) => [v.reachable, v.ok])).toEqual([[false, true], [true, false]]);
  expect(result.ok).toBe(false);
});

describe('lookups of the network interface addresses', () => {
  test('a lookup (Custom::CdkPrivateIotLookup, its call in Call) points the records at the endpoint whose interfaces it reads', () => {
    const world = baseWorld();
    expect(world.DataAddresses.Type).toBe('Custom::CdkPrivateIotLookup');
    const v = only(world, fromDevices(ATS_HOST));
    expect(v.reachable).toBe(true);
    expect(v.answeredBy).toBe(`com.amazonaws.${REGION}.iot.data (World/Data)`);
  });

  test('the Custom::AWS lookups of assemblies synthesized by earlier releases (call in Create) are followed the same way', () => {
    const world = baseWorld();
    world.DataAddresses = { Type: 'Custom::AWS', Properties: { Create: world.DataAddresses.Properties.Call, Update: world.DataAddresses.Properties.Call } };
    const v = only(world, fromDevices(ATS_HOST));
    expect(v.reachable).toBe(true);
    expect(v.answeredBy).toBe(`com.amazonaws.${REGION}.iot.data (World/Data)`);
  });

  test('a lookup that reads no endpoint leaves the records pointing nowhere known', () => {
    const world = baseWorld();
    world.DataAddresses = { Type: 'Custom::CdkPrivateIotLookup', Properties: { Call: '{"service":"EC2","action":"describeAddresses"}' } };
    const v = only(world, fromDevices(ATS_HOST));
    expect(v.reachable).toBe(false);
  });
});

import { CustomResource, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';
import { invalidProp } from '../private/errors';
import { DIRECT_CONNECT_GATEWAY_ID } from '../private/formats';
import { IotLookups } from '../private/lookups';
import { checkIpv4Cidrs, checkTransitGatewayId } from '../private/validation';

/** Where the association id is in the responses of Create/UpdateDirectConnectGatewayAssociation. */
const ASSOCIATION_ID_PATH = 'directConnectGatewayAssociation.associationId';

/**
 * Properties of a `DirectConnectGatewayAssociation`.
 */
export interface DirectConnectGatewayAssociationProps {
  /**
   * The id of an existing Direct Connect gateway of this account (a UUID, e.g. `5f294f92-bafb-4011-916d-9b0b12345678`).
   *
   * Connections, virtual interfaces and the gateway itself stand for physical links and are not created here: attach a
   * transit virtual interface to the gateway first. A gateway of another account needs an association proposal
   * (`CreateDirectConnectGatewayAssociationProposal`), which this construct does not make.
   *
   * Fixed for the life of the association: a changed id on a deployed stack is sent as an update, which only adds
   * prefixes to the existing association and does not move it. To move to another gateway, remove the association
   * (deploy), then create it with the new id (deploy).
   */
  readonly directConnectGatewayId: string;

  /** The Transit Gateway to associate with the Direct Connect gateway (`tgw-...`, or a reference to one). */
  readonly transitGatewayId: string;

  /**
   * The IPv4 prefixes the Direct Connect gateway advertises to on-premises for this Transit Gateway (the association's
   * allowed prefixes; AWS requires at least one for a Transit Gateway). They must cover every network behind the
   * Transit Gateway that on-premises should reach.
   *
   * On update the custom resource adds the new list to the association (`addAllowedPrefixesToDirectConnectGateway`):
   * CloudFormation does not hand the previous list to the call, so a prefix dropped from this list stays advertised
   * until it is removed by hand (`aws directconnect update-direct-connect-gateway-association --association-id <id>
   * --remove-allowed-prefixes-to-direct-connect-gateway cidr=<prefix>`).
   */
  readonly allowedPrefixes: string[];
}

/**
 * Associates an existing Direct Connect gateway with a Transit Gateway (CloudFormation has no resource for it), so that
 * on-premises networks on a transit virtual interface reach the networks behind the Transit Gateway, and the Transit
 * Gateway learns the on-premises routes.
 *
 * One `AwsCustomResource` (the stack's AwsCustomResource function, with the lookups' role): `directconnect:CreateDirectConnectGatewayAssociation`
 * on create (physical id: the association id Direct Connect returns), `UpdateDirectConnectGatewayAssociation` adding the
 * allowed prefixes on update (see `allowedPrefixes` for what an update does not do), `DeleteDirectConnectGatewayAssociation`
 * on delete. Create and delete are allowed on the Direct Connect gateway's ARN only; update has no resource-level
 * permission, so it is allowed on `*`.
 *
 * Not verified against AWS (no account in this project's tests; the calls are tested against a mocked SDK):
 * - Direct Connect answers at once with the association `associating` (or `updating`, `disassociating`); it takes minutes
 *   to become `associated`. The custom resource does not wait: the stack completes before traffic can flow. Once the
 *   association is `associated`, the Transit Gateway's default route table (route propagation enabled) carries the
 *   on-premises routes learned by BGP over the transit virtual interface.
 * - On stack deletion the association is still `disassociating` when CloudFormation goes on to delete the Transit Gateway.
 * - Whether Direct Connect accepts an update that re-adds prefixes the association already allows.
 * - An association deleted outside CloudFormation makes the stack's delete fail (Direct Connect reports every client
 *   error as `DirectConnectClientException`, so "not found" cannot be told from a real error and none is ignored).
 *
 * @example
 * import { DirectConnectGatewayAssociation } from 'cdk-private-iot';
 *
 * declare const transitGateway: ec2.CfnTransitGateway;
 * const association = new DirectConnectGatewayAssociation(this, 'DirectConnect', {
 *   directConnectGatewayId: '5f294f92-bafb-4011-916d-9b0b12345678',
 *   transitGatewayId: transitGateway.ref,
 *   allowedPrefixes: ['10.20.0.0/16', '10.10.0.0/16'],
 * });
 * new CfnOutput(this, 'DirectConnectAssociationId', { value: association.associationId });
 */
export class DirectConnectGatewayAssociation extends Construct {
  /**
   * The id of the association (the custom resource's physical id).
   * @attribute
   */
  public readonly associationId: string;

  /** The custom resource that creates, updates and deletes the association. */
  public readonly resource: cr.AwsCustomResource;

  constructor(scope: Construct, id: string, props: DirectConnectGatewayAssociationProps) {
    super(scope, id);
    checkDirectConnectGateway(this, 'directConnectGatewayId', props.directConnectGatewayId);
    checkAllowedPrefixes(this, 'allowedPrefixes', props.allowedPrefixes);
    checkTransitGatewayId(this, 'transitGatewayId', props.transitGatewayId);

    const prefixes = props.allowedPrefixes.map((cidr) => ({ cidr }));
    const physicalResourceId = cr.PhysicalResourceId.fromResponse(ASSOCIATION_ID_PATH);
    const gatewayArn = Stack.of(this).formatArn({
      service: 'directconnect', region: '', resource: 'dx-gateway', resourceName: props.directConnectGatewayId,
    });
    this.resource = IotLookups.of(this).sdkChange(this, 'Resource', {
      create: {
        service: 'DirectConnect',
        action: 'createDirectConnectGatewayAssociation',
        parameters: {
          directConnectGatewayId: props.directConnectGatewayId,
          gatewayId: props.transitGatewayId,
          addAllowedPrefixesToDirectConnectGateway: prefixes,
        },
        physicalResourceId,
        outputPaths: [ASSOCIATION_ID_PATH],
      },
      // The previous prefixes are not known to the call (see allowedPrefixes): add the current ones, remove none.
      update: {
        service: 'DirectConnect',
        action: 'updateDirectConnectGatewayAssociation',
        parameters: { associationId: new cr.PhysicalResourceIdReference(), addAllowedPrefixesToDirectConnectGateway: prefixes },
        physicalResourceId,
        outputPaths: [ASSOCIATION_ID_PATH],
      },
      delete: {
        service: 'DirectConnect',
        action: 'deleteDirectConnectGatewayAssociation',
        parameters: { associationId: new cr.PhysicalResourceIdReference() },
      },
      statements: [
        new iam.PolicyStatement({
          actions: ['directconnect:CreateDirectConnectGatewayAssociation', 'directconnect:DeleteDirectConnectGatewayAssociation'],
          resources: [gatewayArn],
        }),
        new iam.PolicyStatement({
          actions: ['directconnect:UpdateDirectConnectGatewayAssociation'],
          resources: ['*'],
        }),
      ],
      why: 'directconnect:UpdateDirectConnectGatewayAssociation supports no resource-level permissions (no resource type in the Service '
        + 'Authorization Reference); Create/DeleteDirectConnectGatewayAssociation are scoped to the one Direct Connect gateway ARN.',
    });
    this.associationId = (this.resource.node.defaultChild as CustomResource).ref;
  }
}

/** Checks a Direct Connect gateway id prop (a UUID). Tokens pass unchecked. */
export function checkDirectConnectGateway(scope: IConstruct, prop: string, gatewayId: string): void {
  if (!Token.isUnresolved(gatewayId) && !DIRECT_CONNECT_GATEWAY_ID.test(gatewayId)) {
    invalidProp(scope, prop, `'${gatewayId}' is not a Direct Connect gateway id`,
      'use the id of an existing Direct Connect gateway (a UUID, e.g. 5f294f92-bafb-4011-916d-9b0b12345678), not its name or ARN');
  }
}

/** Checks the allowed prefixes of a Transit Gateway association: at least one, IPv4 CIDR blocks, none twice. */
export function checkAllowedPrefixes(scope: IConstruct, prop: string, prefixes: string[]): void {
  if (prefixes.length === 0) {
    invalidProp(scope, prop, 'is empty, but a Direct Connect association with a Transit Gateway needs at least one allowed prefix',
      'list the prefixes to advertise to on-premises');
  }
  checkIpv4Cidrs(scope, prop, prefixes);
  const twice = prefixes.find((p, i) => !Token.isUnresolved(p) && prefixes.indexOf(p) !== i);
  if (twice !== undefined) {
    invalidProp(scope, prop, `lists ${twice} twice`, 'list each prefix once');
  }
}

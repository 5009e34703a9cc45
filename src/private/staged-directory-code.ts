import * as path from 'path';
import { AssetStaging, CfnResource, Names, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { CdkPrivateIotError } from './errors';

interface Staged {
  readonly holder: Construct;
  readonly assetPath: string;
  readonly bucketName: string;
  readonly objectKey: string;
}

/**
 * Lambda code from a directory, staged and published the way aws-cdk-lib's `lambda.Code.fromAsset` does it (the same
 * `AssetStaging` under `<function>/Code/Stage`, so the same asset hash, S3 location, asset manifest entry and resource
 * metadata), without aws-cdk-lib's `s3_assets.Asset`. That class also imports the asset bucket as an `s3.IBucket`,
 * which loads aws-cdk-lib's S3 module and the facts of every region (`region-info`, 1.3 MB): 150-300 ms of every
 * synthesis of a stack with the connectivity canary (`npx projen bench`), for a bucket nothing here uses.
 */
export class StagedDirectoryCode extends lambda.Code {
  public readonly isInline = false;
  private staged?: Staged;

  constructor(private readonly directory: string) {
    super();
  }

  public bind(scope: Construct): lambda.CodeConfig {
    if (this.staged && Stack.of(this.staged.holder) !== Stack.of(scope)) {
      throw new CdkPrivateIotError(scope, 'code', `the code of ${this.directory} is already staged for stack ${Stack.of(this.staged.holder).node.path}: `
        + 'create one StagedDirectoryCode per stack');
    }
    if (!this.staged) {
      const holder = new Construct(scope, 'Code');
      const staging = new AssetStaging(holder, 'Stage', { sourcePath: path.resolve(this.directory) });
      const stack = Stack.of(scope);
      const assetPath = staging.relativeStagedPath(stack);
      const location = stack.synthesizer.addFileAsset({
        packaging: staging.packaging,
        sourceHash: staging.assetHash,
        fileName: assetPath,
        deployTime: true,
        displayName: Names.stackRelativeConstructPath(holder),
      });
      this.staged = { holder, assetPath, bucketName: location.bucketName, objectKey: location.objectKey };
    }
    return { s3Location: { bucketName: this.staged.bucketName, objectKey: this.staged.objectKey } };
  }

  /** The asset metadata SAM CLI reads (`aws:asset:path`, ...), when the CDK CLI asks for it (as `Code.fromAsset` does). */
  public bindToResource(resource: CfnResource, options: lambda.ResourceBindOptions = {}): void {
    if (!this.staged) {
      throw new CdkPrivateIotError(resource, 'code', 'bindToResource() was called before bind(): call bind() first (lambda.Function does)');
    }
    if (resource.node.tryGetContext(cxapi.ASSET_RESOURCE_METADATA_ENABLED_CONTEXT)) {
      resource.cfnOptions.metadata = {
        ...resource.cfnOptions.metadata,
        [cxapi.ASSET_RESOURCE_METADATA_PATH_KEY]: this.staged.assetPath,
        [cxapi.ASSET_RESOURCE_METADATA_IS_BUNDLED_KEY]: false,
        [cxapi.ASSET_RESOURCE_METADATA_PROPERTY_KEY]: options.resourceProperty ?? 'Code',
      };
    }
  }
}

export * from './iot-vpc-endpoint-aws-service';
export * from './types';
export * from './private-iot-data-endpoint';

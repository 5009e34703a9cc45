export * from './custom-domain';
export * from './static-ip-iot-front-door';

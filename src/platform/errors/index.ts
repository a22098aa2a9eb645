export { BrokerError, isTransient } from './broker-error';

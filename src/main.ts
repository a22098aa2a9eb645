import 'reflect-metadata';
import { startBroker } from './app/start-broker';

/** Production entry: `ROLE=api|worker|all node dist/src/main.js`. */
startBroker(process.env);

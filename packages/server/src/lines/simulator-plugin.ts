import { simulatorLine } from '@callhook/core';
import { registerSimulatorRoutes } from '../routes/simulator-routes.js';
import type { ServerLinePlugin } from './server-edition.js';

/** The simulator line with its remote-side controls under `/api/v1/simulator/*`. */
export const simulatorLinePlugin: ServerLinePlugin = { ...simulatorLine, routes: registerSimulatorRoutes };

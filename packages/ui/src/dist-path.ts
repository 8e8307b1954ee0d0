/// <reference types="node" />
import { fileURLToPath } from 'node:url';

/**
 * The built console (`index.html` and its assets), for a server to serve under `/console/`.
 * This module is for Node only; the console itself never imports it.
 */
export const consoleDir: string = fileURLToPath(new URL('../console/', import.meta.url));

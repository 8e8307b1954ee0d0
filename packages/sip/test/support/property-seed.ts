import { propertySeed } from '@callhook/test-support';
import fc from 'fast-check';

// Every property runs with one fixed seed unless FC_SEED names another or is `random` (see the README).
fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: propertySeed() });

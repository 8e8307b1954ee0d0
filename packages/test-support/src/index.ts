/** @callhook/test-support: helpers shared by every package's tests (private, never built into a product). */
export { SimulatedClock, SPEC_EXAMPLE_TIME, flush, type ClockLike } from './simulated-clock.js';
export { startReceiver, type Handler, type Received, type Receiver } from './receiver.js';
export { sleep, waitFor } from './wait-for.js';
export { postgresBinDir, startPostgres, type PostgresCluster } from './postgres-cluster.js';
export { Mosquitto, freePort } from './mosquitto.js';
export { dominantFrequency, rms, sine } from './spectrum.js';
export { DEFAULT_PROPERTY_SEED, propertySeed } from './property-seed.js';
export { requirePeer } from './peers.js';
export { freeSipPort, isSipPortFree } from './sip-port.js';
export { baresipConfig, processCpuMs, startBaresip, writeToneWav, type Baresip, type BaresipEvent, type BaresipMedia } from './baresip.js';
export { startKamailio, kamailioCfg, type Kamailio, type KamailioOptions } from './kamailio.js';

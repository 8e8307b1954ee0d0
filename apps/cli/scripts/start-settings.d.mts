/** The settings file of a "SIP line" start (JSON): see start-settings.mjs. */
export declare const SIP_START_SETTINGS: string;

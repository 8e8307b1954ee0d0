import { PhoneCommandError, PhoneProblem } from '../driver.js';
import { PhoneUnreachable, type PhoneHttp, type PhoneResponse } from '../http/phone-http.js';

/** The login advice shared by every vendor's 401. */
export const LOGIN_FIX = "check username and password in the line settings (the phone's web admin login)";

/**
 * GETs `path` on the phone; a network failure or timeout becomes a `PhoneCommandError` naming it,
 * so a command rejects precisely instead of hanging.
 */
export async function commandGet(http: PhoneHttp, path: string): Promise<PhoneResponse> {
  try {
    return await http.get(path);
  } catch (error) {
    if (error instanceof PhoneUnreachable) throw new PhoneCommandError(`${error.message}: check the line's url and that the phone is on`);
    throw error;
  }
}

/** GETs `path` for a probe: network failure → `PhoneProblem` unregistered; 401 → failed with the login fix. */
export async function probeGet(http: PhoneHttp, path: string): Promise<PhoneResponse> {
  let answer: PhoneResponse;
  try {
    answer = await http.get(path);
  } catch (error) {
    if (error instanceof PhoneUnreachable)
      throw new PhoneProblem('unregistered', `${error.message}: check the line's url and that the phone is on the network`);
    throw error;
  }
  if (answer.status === 401) throw new PhoneProblem('failed', `401 from the phone: ${LOGIN_FIX}`);
  return answer;
}

/** URL-escapes a query value the way phones expect: everything but unreserved characters (`+` → %2B, `#` → %23, `*` → %2A). */
export function escapeValue(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Types of digest-header 1.1.0 (CommonJS, ships none): builds an RFC 2617 `Authorization: Digest …` value. */
declare module 'digest-header' {
  /** `userpass` is "user:password"; returns "" when the challenge has no realm or nonce. */
  function digestAuthHeader(method: string, uri: string, wwwAuthenticate: string, userpass: string): string;
  export default digestAuthHeader;
}

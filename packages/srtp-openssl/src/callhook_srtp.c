/*
 * The per-packet transform of SRTP's AES_CM_128_HMAC_SHA1 suites (RFC 3711 §4.1.1 AES counter mode,
 * §4.2.1 HMAC-SHA1; RFC 4568 §6.2) on the OpenSSL that Node itself is built with, as a Node-API module.
 * Everything else of SRTP stays in JavaScript (key derivation, rollover counter, replay list, SRTCP):
 * this file only encrypts, decrypts and authenticates one RTP packet per call, because Node's crypto API
 * needs several JavaScript-to-C++ calls and objects per packet and costs more than the work.
 *
 * Crypto is OpenSSL's: AES-128-CTR through EVP (one context per session key, its IV set per packet) and
 * SHA-1 (RFC 2104's HMAC with the key's inner and outer pad blocks hashed once, §4 of RFC 2104, and the
 * two SHA-1 states copied per packet). OpenSSL's symbols come from the Node binary that loads the module
 * (Node exports them for addons): the module links against no libcrypto of its own.
 *
 * JavaScript API (index.ts has the typed wrapper):
 *   createCipher(encryptionKey: Buffer(16), salt: Buffer(14), authKey: Buffer(20)) -> cipher (External)
 *   sealRtp(cipher, buffer, headerBytes, length, ssrc, index, roc, tagBytes)       -> undefined
 *   openRtp(cipher, buffer, headerBytes, length, ssrc, index, roc, tagBytes)       -> boolean
 * Wrong arguments throw a TypeError naming the argument.
 */
#define NAPI_VERSION 8
#define OPENSSL_SUPPRESS_DEPRECATED
#include <node_api.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SESSION_KEY_BYTES 16
#define SESSION_SALT_BYTES 14
#define AUTH_KEY_BYTES 20
#define SHA1_BLOCK 64
#define MAX_TAG_BYTES 10

typedef struct {
  EVP_CIPHER_CTX *aes;
  uint8_t salt[SESSION_SALT_BYTES];
  SHA_CTX inner; /* SHA-1 after the key XOR ipad block */
  SHA_CTX outer; /* SHA-1 after the key XOR opad block */
} cipher_t;

static napi_value type_error(napi_env env, const char *message) {
  napi_throw_type_error(env, NULL, message);
  return NULL;
}

static void finalize_cipher(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  cipher_t *cipher = data;
  EVP_CIPHER_CTX_free(cipher->aes);
  OPENSSL_cleanse(cipher, sizeof *cipher);
  free(cipher);
}

static bool buffer_of(napi_env env, napi_value value, size_t length, uint8_t **data) {
  size_t actual;
  return napi_get_buffer_info(env, value, (void **)data, &actual) == napi_ok && actual == length;
}

/* createCipher(encryptionKey, salt, authKey): the session keys k_e, k_s, k_a of RFC 3711 §4.3. */
static napi_value create_cipher(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  uint8_t *key, *salt, *auth;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 3) return type_error(env, "createCipher(encryptionKey, salt, authKey)");
  if (!buffer_of(env, argv[0], SESSION_KEY_BYTES, &key)) return type_error(env, "createCipher: encryptionKey must be a Buffer of 16 bytes");
  if (!buffer_of(env, argv[1], SESSION_SALT_BYTES, &salt)) return type_error(env, "createCipher: salt must be a Buffer of 14 bytes");
  if (!buffer_of(env, argv[2], AUTH_KEY_BYTES, &auth)) return type_error(env, "createCipher: authKey must be a Buffer of 20 bytes");

  cipher_t *cipher = calloc(1, sizeof *cipher);
  if (cipher == NULL || (cipher->aes = EVP_CIPHER_CTX_new()) == NULL ||
      EVP_EncryptInit_ex(cipher->aes, EVP_aes_128_ctr(), NULL, key, NULL) != 1) {
    if (cipher != NULL) EVP_CIPHER_CTX_free(cipher->aes);
    free(cipher);
    napi_throw_error(env, NULL, "createCipher: OpenSSL could not set up AES-128-CTR");
    return NULL;
  }
  memcpy(cipher->salt, salt, SESSION_SALT_BYTES);
  uint8_t pad[SHA1_BLOCK];
  memset(pad, 0x36, sizeof pad);
  for (int i = 0; i < AUTH_KEY_BYTES; i++) pad[i] ^= auth[i];
  SHA1_Init(&cipher->inner);
  SHA1_Update(&cipher->inner, pad, sizeof pad);
  memset(pad, 0x5c, sizeof pad);
  for (int i = 0; i < AUTH_KEY_BYTES; i++) pad[i] ^= auth[i];
  SHA1_Init(&cipher->outer);
  SHA1_Update(&cipher->outer, pad, sizeof pad);
  OPENSSL_cleanse(pad, sizeof pad);

  napi_value external;
  if (napi_create_external(env, cipher, finalize_cipher, NULL, &external) != napi_ok) {
    finalize_cipher(env, cipher, NULL);
    napi_throw_error(env, NULL, "createCipher: could not make the cipher object");
    return NULL;
  }
  return external;
}

/* AES-CM (RFC 3711 §4.1.1): data XOR AES-CTR keystream from IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16). */
static bool apply_keystream(cipher_t *cipher, uint8_t *data, size_t length, uint32_t ssrc, uint64_t index) {
  uint8_t iv[16] = {0};
  memcpy(iv, cipher->salt, SESSION_SALT_BYTES);
  for (int i = 0; i < 4; i++) iv[4 + i] ^= (uint8_t)(ssrc >> (24 - 8 * i));
  for (int i = 0; i < 6; i++) iv[8 + i] ^= (uint8_t)(index >> (40 - 8 * i));
  int out;
  return EVP_EncryptInit_ex(cipher->aes, NULL, NULL, NULL, iv) == 1 && (length == 0 || EVP_EncryptUpdate(cipher->aes, data, &out, data, (int)length) == 1);
}

/* HMAC-SHA1(k_a, data || ROC) (RFC 3711 §4.2, RFC 2104) into digest. */
static void authentication_tag(cipher_t *cipher, const uint8_t *data, size_t length, uint32_t roc, uint8_t digest[SHA_DIGEST_LENGTH]) {
  SHA_CTX hash = cipher->inner;
  uint8_t trailer[4] = {(uint8_t)(roc >> 24), (uint8_t)(roc >> 16), (uint8_t)(roc >> 8), (uint8_t)roc};
  SHA1_Update(&hash, data, length);
  SHA1_Update(&hash, trailer, sizeof trailer);
  SHA1_Final(digest, &hash);
  hash = cipher->outer;
  SHA1_Update(&hash, digest, SHA_DIGEST_LENGTH);
  SHA1_Final(digest, &hash);
}

typedef struct {
  cipher_t *cipher;
  uint8_t *data;
  size_t capacity;
  uint32_t header_bytes, length, ssrc, roc, tag_bytes;
  uint64_t index;
} packet_args;

/* Whether `value` is a number holding an integer from 0 to `max` (doubles hold every such integer up to 2^53). */
static bool get_integer(napi_env env, napi_value value, double max, double *out) {
  return napi_get_value_double(env, value, out) == napi_ok && *out >= 0 && *out <= max && *out == (double)(uint64_t)*out;
}

/* (cipher, buffer, headerBytes, length, ssrc, index, roc, tagBytes); NULL message when they are usable. */
static const char *read_packet_args(napi_env env, napi_callback_info info, packet_args *args) {
  size_t argc = 8;
  napi_value argv[8];
  double header_bytes, length, ssrc, index, roc, tag_bytes;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 8) return "(cipher, buffer, headerBytes, length, ssrc, index, roc, tagBytes)";
  if (napi_get_value_external(env, argv[0], (void **)&args->cipher) != napi_ok) return "cipher must come from createCipher";
  if (napi_get_buffer_info(env, argv[1], (void **)&args->data, &args->capacity) != napi_ok) return "buffer must be a Buffer";
  if (!get_integer(env, argv[2], UINT32_MAX, &header_bytes) || !get_integer(env, argv[3], INT32_MAX, &length) || header_bytes > length) {
    return "headerBytes and length must be integers with headerBytes <= length";
  }
  if (!get_integer(env, argv[4], UINT32_MAX, &ssrc)) return "ssrc must be a 32-bit unsigned integer";
  if (!get_integer(env, argv[5], 281474976710655.0, &index)) return "index must be an integer from 0 to 2^48 - 1";
  if (!get_integer(env, argv[6], UINT32_MAX, &roc)) return "roc must be a 32-bit unsigned integer";
  if (!get_integer(env, argv[7], MAX_TAG_BYTES, &tag_bytes) || tag_bytes == 0) return "tagBytes must be an integer from 1 to 10";
  if ((size_t)length + (size_t)tag_bytes > args->capacity) return "buffer must hold length + tagBytes bytes";
  args->header_bytes = (uint32_t)header_bytes;
  args->length = (uint32_t)length;
  args->ssrc = (uint32_t)ssrc;
  args->index = (uint64_t)index;
  args->roc = (uint32_t)roc;
  args->tag_bytes = (uint32_t)tag_bytes;
  return NULL;
}

/* sealRtp: encrypts buffer[headerBytes, length) in place and writes the tag of buffer[0, length) || ROC at length (§3.3). */
static napi_value seal_rtp(napi_env env, napi_callback_info info) {
  packet_args args;
  const char *problem = read_packet_args(env, info, &args);
  if (problem != NULL) return type_error(env, problem);
  if (!apply_keystream(args.cipher, args.data + args.header_bytes, args.length - args.header_bytes, args.ssrc, args.index)) {
    napi_throw_error(env, NULL, "sealRtp: OpenSSL AES-128-CTR failed");
    return NULL;
  }
  uint8_t digest[SHA_DIGEST_LENGTH];
  authentication_tag(args.cipher, args.data, args.length, args.roc, digest);
  memcpy(args.data + args.length, digest, args.tag_bytes);
  return NULL;
}

/*
 * openRtp: true when the tag at buffer[length, length + tagBytes) is the one of buffer[0, length) || ROC
 * (compared in constant time), and then buffer[headerBytes, length) is decrypted in place (§3.3 steps
 * 5-6); false, with the buffer untouched, when it is not.
 */
static napi_value open_rtp(napi_env env, napi_callback_info info) {
  packet_args args;
  const char *problem = read_packet_args(env, info, &args);
  if (problem != NULL) return type_error(env, problem);
  uint8_t digest[SHA_DIGEST_LENGTH];
  authentication_tag(args.cipher, args.data, args.length, args.roc, digest);
  bool authentic = CRYPTO_memcmp(digest, args.data + args.length, args.tag_bytes) == 0;
  if (authentic && !apply_keystream(args.cipher, args.data + args.header_bytes, args.length - args.header_bytes, args.ssrc, args.index)) {
    napi_throw_error(env, NULL, "openRtp: OpenSSL AES-128-CTR failed");
    return NULL;
  }
  napi_value result;
  napi_get_boolean(env, authentic, &result);
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
      {"createCipher", NULL, create_cipher, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sealRtp", NULL, seal_rtp, NULL, NULL, NULL, napi_enumerable, NULL},
      {"openRtp", NULL, open_rtp, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
  return exports;
}

NAPI_MODULE(callhook_srtp, init)

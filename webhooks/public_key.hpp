// Public-key signature checks: RSA keys from X.509 certificates (SNS) and EC P-256 keys from DER
// SubjectPublicKeyInfo (SendGrid), RSA keys as base64 DER or PEM (Postal). Keys are immutable after loading and safe to share across threads.
#pragma once

#include <cstdint>
#include <climits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

typedef struct evp_pkey_st EVP_PKEY;
typedef struct evp_md_ctx_st EVP_MD_CTX;

namespace webhooks {

enum class Digest { sha1, sha256 };

class PublicKey {
public:
    // A PEM certificate whose key must be RSA; its validity period is kept for valid_at().
    // Returns null with `error` set when the certificate is unusable.
    static std::shared_ptr<const PublicKey> from_rsa_certificate_pem(std::string_view pem, std::string& error);
    // Base64 of DER SubjectPublicKeyInfo (SendGrid's format); the key must be EC on prime256v1.
    static std::shared_ptr<const PublicKey> from_p256_spki_base64(std::string_view base64, std::string& error);
    // An RSA public key as Postal shows it (base64 of DER SubjectPublicKeyInfo, line breaks allowed) or as
    // PEM ("BEGIN PUBLIC KEY" or PKCS#1 "BEGIN RSA PUBLIC KEY"). Keys under 2048 bits are refused.
    static std::shared_ptr<const PublicKey> from_rsa_public_key(std::string_view text, std::string& error);

    ~PublicKey();
    PublicKey(const PublicKey&) = delete;
    PublicKey& operator=(const PublicKey&) = delete;

    // True only when `signature` (raw bytes: PKCS#1 v1.5 for RSA, DER ECDSA-Sig-Value for EC) verifies.
    bool verify(Digest digest, std::string_view message, std::string_view signature) const;

    // Within the certificate's notBefore..notAfter (always true for bare keys).
    bool valid_at(std::int64_t unix_seconds) const {
        return unix_seconds >= not_before_ && unix_seconds <= not_after_;
    }

private:
    explicit PublicKey(EVP_PKEY* key) : key_(key) {}
    // Verification contexts set up once per digest (EVP_DigestVerifyInit fetches the digest and the
    // signature algorithm from OpenSSL's provider store, under its locks); each verify() works on a
    // copy, so the originals are only ever read and may be shared across threads. Null when setting
    // one up failed: verify() then initialises a context itself.
    void prepare_contexts();
    EVP_PKEY* key_;
    EVP_MD_CTX* prepared_sha1_ = nullptr;
    EVP_MD_CTX* prepared_sha256_ = nullptr;
    std::int64_t not_before_ = INT64_MIN;
    std::int64_t not_after_ = INT64_MAX;
};

}  // namespace webhooks

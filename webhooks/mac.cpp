#include "webhooks/mac.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace webhooks {

namespace {
std::string hmac(const EVP_MD* md, std::string_view key, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    // An empty key is passed as a non-null pointer: HMAC() treats a null key as "reuse the previous one".
    static const unsigned char empty = 0;
    const void* key_ptr = key.empty() ? static_cast<const void*>(&empty) : key.data();
    if (HMAC(md, key_ptr, static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
             data.size(), out, &len) == nullptr) {
        return std::string();
    }
    return std::string(reinterpret_cast<const char*>(out), len);
}
}  // namespace

std::string hmac_sha256(std::string_view key, std::string_view data) { return hmac(EVP_sha256(), key, data); }
std::string hmac_sha1(std::string_view key, std::string_view data) { return hmac(EVP_sha1(), key, data); }

std::string sha256(std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), out, &len, EVP_sha256(), nullptr) != 1) return std::string();
    return std::string(reinterpret_cast<const char*>(out), len);
}

bool bytes_equal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    if (a.empty()) return true;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool secret_equal(std::string_view presented, std::string_view expected) {
    if (expected.empty()) return false;  // an unset secret never authenticates anything
    return bytes_equal(sha256(presented), sha256(expected));
}

}  // namespace webhooks

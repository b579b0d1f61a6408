#include "webhooks/public_key.hpp"

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/decoder.h>
#include <openssl/x509.h>

#include <cstring>
#include <ctime>

#include "webhooks/encoding.hpp"

namespace webhooks {

PublicKey::~PublicKey() {
    EVP_MD_CTX_free(prepared_sha1_);
    EVP_MD_CTX_free(prepared_sha256_);
    EVP_PKEY_free(key_);
}

void PublicKey::prepare_contexts() {
    auto prepare = [this](const EVP_MD* md) -> EVP_MD_CTX* {
        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        if (ctx != nullptr && EVP_DigestVerifyInit(ctx, nullptr, md, nullptr, key_) == 1) return ctx;
        EVP_MD_CTX_free(ctx);
        ERR_clear_error();
        return nullptr;
    };
    prepared_sha1_ = prepare(EVP_sha1());
    prepared_sha256_ = prepare(EVP_sha256());
}

namespace {
std::optional<std::int64_t> asn1_unix(const ASN1_TIME* t) {
    std::tm tm{};
    if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return std::nullopt;
    return static_cast<std::int64_t>(timegm(&tm));
}
}  // namespace

std::shared_ptr<const PublicKey> PublicKey::from_rsa_certificate_pem(std::string_view pem, std::string& error) {
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    if (bio == nullptr) {
        error = "out of memory";
        return nullptr;
    }
    X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (cert == nullptr) {
        ERR_clear_error();
        error = "not a PEM certificate";
        return nullptr;
    }
    const auto not_before = asn1_unix(X509_get0_notBefore(cert));
    const auto not_after = asn1_unix(X509_get0_notAfter(cert));
    EVP_PKEY* key = X509_get_pubkey(cert);
    X509_free(cert);
    if (!not_before || !not_after) {
        EVP_PKEY_free(key);
        ERR_clear_error();
        error = "certificate has an unreadable validity period";
        return nullptr;
    }
    if (key == nullptr || !EVP_PKEY_is_a(key, "RSA")) {
        EVP_PKEY_free(key);
        ERR_clear_error();
        error = "certificate key is not RSA";
        return nullptr;
    }
    std::shared_ptr<PublicKey> out(new PublicKey(key));
    out->prepare_contexts();
    out->not_before_ = *not_before;
    out->not_after_ = *not_after;
    return out;
}

std::shared_ptr<const PublicKey> PublicKey::from_p256_spki_base64(std::string_view base64, std::string& error) {
    const auto der = base64_decode(base64);
    if (!der || der->empty()) {
        error = "public key is not valid base64";
        return nullptr;
    }
    const unsigned char* p = reinterpret_cast<const unsigned char*>(der->data());
    EVP_PKEY* key = d2i_PUBKEY(nullptr, &p, static_cast<long>(der->size()));
    if (key == nullptr) {
        ERR_clear_error();
        error = "public key is not DER SubjectPublicKeyInfo";
        return nullptr;
    }
    char group[64] = {0};
    std::size_t group_len = 0;
    if (!EVP_PKEY_is_a(key, "EC") || EVP_PKEY_get_group_name(key, group, sizeof group, &group_len) != 1 ||
        std::strcmp(group, "prime256v1") != 0) {
        EVP_PKEY_free(key);
        ERR_clear_error();
        error = "public key is not EC P-256";
        return nullptr;
    }
    std::shared_ptr<PublicKey> out(new PublicKey(key));
    out->prepare_contexts();
    return out;
}

std::shared_ptr<const PublicKey> PublicKey::from_rsa_public_key(std::string_view text, std::string& error) {
    EVP_PKEY* key = nullptr;
    if (text.find("-----BEGIN") != std::string_view::npos) {
        // The decoder takes both "BEGIN PUBLIC KEY" (SubjectPublicKeyInfo) and PKCS#1 "BEGIN RSA PUBLIC KEY".
        OSSL_DECODER_CTX* decoder = OSSL_DECODER_CTX_new_for_pkey(&key, "PEM", nullptr, "RSA", EVP_PKEY_PUBLIC_KEY,
                                                                  nullptr, nullptr);
        if (decoder != nullptr) {
            const unsigned char* data = reinterpret_cast<const unsigned char*>(text.data());
            std::size_t length = text.size();
            if (OSSL_DECODER_from_data(decoder, &data, &length) != 1) key = nullptr;
            OSSL_DECODER_CTX_free(decoder);
        }
        if (key == nullptr) {
            ERR_clear_error();
            error = "public key is not a PEM RSA public key";
            return nullptr;
        }
    } else {
        // Postal shows the key as one base64 string; copied from a page it may carry spaces or line breaks.
        std::string compact;
        compact.reserve(text.size());
        for (const char c : text) {
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') compact.push_back(c);
        }
        const auto der = base64_decode(compact);
        if (!der || der->empty()) {
            error = "public key is neither PEM nor valid base64";
            return nullptr;
        }
        const unsigned char* p = reinterpret_cast<const unsigned char*>(der->data());
        key = d2i_PUBKEY(nullptr, &p, static_cast<long>(der->size()));
        if (key == nullptr) {
            ERR_clear_error();
            error = "public key is not DER SubjectPublicKeyInfo";
            return nullptr;
        }
    }
    if (!EVP_PKEY_is_a(key, "RSA")) {
        EVP_PKEY_free(key);
        ERR_clear_error();
        error = "public key is not RSA";
        return nullptr;
    }
    if (EVP_PKEY_get_bits(key) < 2048) {
        EVP_PKEY_free(key);
        error = "RSA public key is shorter than 2048 bits";
        return nullptr;
    }
    std::shared_ptr<PublicKey> out(new PublicKey(key));
    out->prepare_contexts();
    return out;
}

bool PublicKey::verify(Digest digest, std::string_view message, std::string_view signature) const {
    if (signature.empty()) return false;
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    if (ctx == nullptr) return false;
    const EVP_MD_CTX* prepared = digest == Digest::sha1 ? prepared_sha1_ : prepared_sha256_;
    const EVP_MD* md = digest == Digest::sha1 ? EVP_sha1() : EVP_sha256();
    const bool ready = prepared != nullptr ? EVP_MD_CTX_copy_ex(ctx, prepared) == 1
                                           : EVP_DigestVerifyInit(ctx, nullptr, md, nullptr, key_) == 1;
    bool ok = ready &&
              EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                               reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok) ERR_clear_error();
    return ok;
}

}  // namespace webhooks

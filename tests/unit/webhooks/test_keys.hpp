// Keys generated at test time: an RSA key with a self-signed certificate made by the openssl command
// (like AWS's own validator tests do), and signing helpers that use them.
#pragma once

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "support.hpp"
#include "webhooks/encoding.hpp"

namespace test_support {

class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "bounce-hooks-test-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

// Signs with a PEM private key; `md` null for Ed25519-style one-shot keys is not needed here.
inline std::string sign_with(EVP_PKEY* key, const EVP_MD* md, const std::string& data) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    std::size_t len = 0;
    std::string sig;
    if (EVP_DigestSignInit(ctx, nullptr, md, nullptr, key) != 1 ||
        EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
        EVP_MD_CTX_free(ctx);
        throw std::runtime_error("sign init failed");
    }
    sig.resize(len);
    if (EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                       reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
        EVP_MD_CTX_free(ctx);
        throw std::runtime_error("sign failed");
    }
    EVP_MD_CTX_free(ctx);
    sig.resize(len);
    return sig;
}

// A self-signed sns.amazonaws.com certificate and its key, made once per test run with `openssl req`.
struct GeneratedSnsCertificate {
    std::string certificate_pem;
    EVP_PKEY* key = nullptr;

    static const GeneratedSnsCertificate& get() {
        static const GeneratedSnsCertificate instance = [] {
            GeneratedSnsCertificate g;
            TempDir dir;
            const std::string key_path = (dir.path() / "k.pem").string();
            const std::string cert_path = (dir.path() / "c.pem").string();
            const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -keyout '" + key_path + "' -out '" +
                                    cert_path + "' -subj /CN=sns.amazonaws.com -days 3650 2>/dev/null";
            if (std::system(cmd.c_str()) != 0) throw std::runtime_error("openssl req failed");
            g.certificate_pem = read_file(cert_path);
            FILE* f = std::fopen(key_path.c_str(), "r");
            g.key = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
            std::fclose(f);
            if (g.key == nullptr) throw std::runtime_error("cannot read generated key");
            return g;
        }();
        return instance;
    }
};

// SendGrid's published test private key (SEC1 DER) for vector A's public key; see providers.md §2.
inline EVP_PKEY* sendgrid_test_private_key() {
    static EVP_PKEY* key = [] {
        const auto der = webhooks::base64_decode(
            "MHcCAQEEIEQmZgBEh9DcU9zMl34czK3xov4AYvm9P3r7rNB2dNXtoAoGCCqGSM49AwEHoUQDQgAEEDr2LjtURuePQzplybdC+"
            "u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==");
        const unsigned char* p = reinterpret_cast<const unsigned char*>(der->data());
        EVP_PKEY* k = d2i_PrivateKey(EVP_PKEY_EC, nullptr, &p, static_cast<long>(der->size()));
        if (k == nullptr) throw std::runtime_error("cannot load the SendGrid test key");
        return k;
    }();
    return key;
}

}  // namespace test_support

// Signs many messages with one private key for bench/hooks_throughput.sh, which needs tens of
// thousands of distinct signed webhooks before a run; one `openssl dgst -sign` process per message
// would take minutes.
//
//   bench-hooks-signer KEY.pem sha1|sha256 < records > signatures
// Each input record is "<length>\n" followed by exactly that many bytes; for each one, the base64 of
// its signature (ECDSA DER or RSA PKCS#1 v1.5, whatever the key is) is written on its own line.
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

namespace {

bool sign(EVP_PKEY* key, const EVP_MD* digest, const std::string& data, std::string& base64) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    if (ctx == nullptr) return false;
    std::size_t length = 0;
    std::vector<unsigned char> signature;
    bool ok = EVP_DigestSignInit(ctx, nullptr, digest, nullptr, key) == 1 &&
              EVP_DigestSign(ctx, nullptr, &length, reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
    if (ok) {
        signature.resize(length);
        ok = EVP_DigestSign(ctx, signature.data(), &length, reinterpret_cast<const unsigned char*>(data.data()),
                            data.size()) == 1;
    }
    EVP_MD_CTX_free(ctx);
    if (!ok) return false;
    base64.assign(4 * ((length + 2) / 3) + 1, '\0');
    const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(base64.data()), signature.data(),
                                        static_cast<int>(length));
    base64.resize(static_cast<std::size_t>(written));
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3 || (std::strcmp(argv[2], "sha1") != 0 && std::strcmp(argv[2], "sha256") != 0)) {
        std::fprintf(stderr, "usage: bench-hooks-signer KEY.pem sha1|sha256 < records\n");
        return 2;
    }
    FILE* key_file = std::fopen(argv[1], "r");
    if (key_file == nullptr) {
        std::fprintf(stderr, "bench-hooks-signer: cannot open %s\n", argv[1]);
        return 1;
    }
    EVP_PKEY* key = PEM_read_PrivateKey(key_file, nullptr, nullptr, nullptr);
    std::fclose(key_file);
    if (key == nullptr) {
        std::fprintf(stderr, "bench-hooks-signer: %s holds no PEM private key\n", argv[1]);
        return 1;
    }
    const EVP_MD* digest = std::strcmp(argv[2], "sha1") == 0 ? EVP_sha1() : EVP_sha256();
    std::ios::sync_with_stdio(false);
    std::string line, data, base64;
    long records = 0;
    int status = 0;
    while (std::getline(std::cin, line)) {
        char* end = nullptr;
        const unsigned long length = std::strtoul(line.c_str(), &end, 10);
        if (line.empty() || *end != '\0' || length > (64ul << 20)) {
            std::fprintf(stderr, "bench-hooks-signer: record %ld: bad length line\n", records + 1);
            status = 1;
            break;
        }
        data.resize(length);
        if (!std::cin.read(data.data(), static_cast<std::streamsize>(length))) {
            std::fprintf(stderr, "bench-hooks-signer: record %ld: input ends early\n", records + 1);
            status = 1;
            break;
        }
        if (!sign(key, digest, data, base64)) {
            std::fprintf(stderr, "bench-hooks-signer: record %ld: signing failed\n", records + 1);
            status = 1;
            break;
        }
        std::cout << base64 << '\n';
        ++records;
    }
    EVP_PKEY_free(key);
    std::cout.flush();
    return status != 0 || !std::cout ? 1 : 0;
}

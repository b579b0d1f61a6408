#include "webhooks/encoding.hpp"

#include <openssl/evp.h>

#include <vector>

namespace webhooks {

std::optional<std::string> base64_decode(std::string_view text) {
    if (text.empty()) return std::string();
    // EVP_DecodeUpdate tolerates whitespace and line breaks; a signature header never has them, so a
    // stray one is treated as tampering rather than silently skipped.
    if (text.size() % 4 != 0) return std::nullopt;
    for (char c : text) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                        c == '+' || c == '/' || c == '=';
        if (!ok) return std::nullopt;
    }
    const auto first_pad = text.find('=');
    if (first_pad != std::string_view::npos && first_pad < text.size() - 2) return std::nullopt;
    if (first_pad == text.size() - 2 && text.back() != '=') return std::nullopt;

    EVP_ENCODE_CTX* ctx = EVP_ENCODE_CTX_new();
    if (ctx == nullptr) return std::nullopt;
    std::vector<unsigned char> out(text.size() / 4 * 3 + 3);
    int produced = 0;
    int tail = 0;
    EVP_DecodeInit(ctx);
    const int rc = EVP_DecodeUpdate(ctx, out.data(), &produced, reinterpret_cast<const unsigned char*>(text.data()),
                                    static_cast<int>(text.size()));
    const int rc_final = rc < 0 ? -1 : EVP_DecodeFinal(ctx, out.data() + produced, &tail);
    EVP_ENCODE_CTX_free(ctx);
    if (rc < 0 || rc_final < 0) return std::nullopt;
    std::string decoded(reinterpret_cast<const char*>(out.data()), static_cast<std::size_t>(produced + tail));
    // Unused low bits in the last character must be zero: otherwise several texts decode to the same
    // bytes, and a "changed" signature would still verify.
    if (base64_encode(decoded) != text) return std::nullopt;
    return decoded;
}

std::string base64_encode(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string hex_encode(std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char c : bytes) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 0x0f]);
    }
    return out;
}

namespace {
int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
}  // namespace

std::optional<std::string> hex_decode(std::string_view text) {
    if (text.size() % 2 != 0) return std::nullopt;
    std::string out;
    out.reserve(text.size() / 2);
    for (std::size_t i = 0; i < text.size(); i += 2) {
        const int hi = hex_value(text[i]);
        const int lo = hex_value(text[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out.push_back(static_cast<char>(hi << 4 | lo));
    }
    return out;
}

std::optional<std::string> form_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '+') {
            out.push_back(' ');
        } else if (c == '%') {
            if (i + 2 >= text.size()) return std::nullopt;
            const int hi = hex_value(text[i + 1]);
            const int lo = hex_value(text[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out.push_back(static_cast<char>(hi << 4 | lo));
            i += 2;
        } else {
            out.push_back(c);
        }
    }
    return out;
}

}  // namespace webhooks
